"""Event metadata and trace context shared by producers and consumers (no I/O here)."""

from __future__ import annotations

import secrets
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime

from google.protobuf.message import Message

CONTENT_TYPE = "application/x-protobuf"


def new_traceparent(trace_id: str | None = None) -> str:
    """A W3C ``traceparent`` header value, continuing ``trace_id`` when given."""
    return f"00-{trace_id or secrets.token_hex(16)}-{secrets.token_hex(8)}-01"


def trace_id_of(traceparent: str | None) -> str | None:
    """The 32-hex trace id of a ``traceparent`` value, or None when malformed."""
    if not traceparent:
        return None
    parts = traceparent.split("-")
    if len(parts) == 4 and len(parts[1]) == 32:
        return parts[1]
    return None


def stamp(message: Message, source: str, schema_version: int = 1,
          event_time: datetime | None = None) -> str:
    """Fill ``message.meta`` where unset (id, source, UTC event time, version); returns the id.

    Existing values are kept, so a retried event keeps its id and consumers can drop it.
    """
    meta = message.meta  # type: ignore[attr-defined]
    if not meta.event_id:
        meta.event_id = str(uuid.uuid4())
    if not meta.source:
        meta.source = source
    if not meta.HasField("event_time"):
        meta.event_time.FromDatetime(event_time or datetime.now(UTC))
    if not meta.schema_version:
        meta.schema_version = schema_version
    return str(meta.event_id)


@dataclass(frozen=True, slots=True)
class ConsumedEvent:
    """One decoded Kafka record.

    Attributes:
        topic: topic it came from.
        partition: partition number.
        offset: offset within the partition.
        key: record key (text) or None.
        message: the decoded protobuf payload.
        event_id: from ``message.meta`` (falls back to the ``event-id`` header).
        trace_id: 32-hex W3C trace id from the ``traceparent`` header, if any.
        timestamp_ms: broker/producer record timestamp, ms since the epoch (UTC).
    """

    topic: str
    partition: int
    offset: int
    key: str | None
    message: Message
    event_id: str
    trace_id: str | None
    timestamp_ms: int
