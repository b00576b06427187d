"""SMS gateway adapter: one interface, one implementation in the demo (a stored outbox).

A deployment plugs in its carrier's SMS API behind :class:`SmsGateway`; the demo's
:class:`OutboxSms` stores each message (number masked) in ``transport_sms_outbox``, which
station-ops read on /transport/sms-outbox.html in place of the passenger's phone.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Protocol

import sqlalchemy as sa
from sqlalchemy import Engine

from transport.adapters.tables import sms_outbox
from transport.domain.enrolment import mask_phone


@dataclass(frozen=True)
class SmsRecord:
    """One message as the outbox holds it (time UTC)."""

    id: int
    ticket_id: str
    phone_masked: str
    body: str
    sent: datetime
    lang: str


class SmsGateway(Protocol):
    """Sends a text message to a phone number (E.164 digits)."""

    def send(self, ticket_id: str, phone: str, body: str, now: datetime,
             lang: str = "zh-CN") -> None:
        """Hand the message (in ``lang``) over for delivery; raises on failure (asked again)."""
        ...


class OutboxSms:
    """The demo's SMS gateway: messages are stored, not sent; the number only masked."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def send(self, ticket_id: str, phone: str, body: str, now: datetime,
             lang: str = "zh-CN") -> None:
        """Store the message as sent."""
        with self.engine.begin() as conn:
            conn.execute(sms_outbox.insert().values(ticket_id=ticket_id,
                                                    phone_masked=mask_phone(phone),
                                                    body=body, sent=now, lang=lang))

    def messages(self, ticket_id: str = "", limit: int = 50) -> list[SmsRecord]:
        """Latest messages first, optionally of one ticket."""
        q = sa.select(sms_outbox).order_by(sms_outbox.c.id.desc()).limit(max(1, min(limit, 500)))
        if ticket_id:
            q = q.where(sms_outbox.c.ticket_id == ticket_id)
        with self.engine.connect() as conn:
            rows = [r._asdict() for r in conn.execute(q)]
        for r in rows:
            r["sent"] = r["sent"] if r["sent"].tzinfo else r["sent"].replace(tzinfo=UTC)
        return [SmsRecord(**r) for r in rows]
