"""SQL tables of the transport service (SQLAlchemy Core; migrations in transport/migrations).

No table holds a face image unless the passenger opted in (``enrolments.photo``, encrypted);
``templates`` are AES-GCM ciphertexts; ID numbers are stored only as keyed hashes. The audit
trail (``decisions``) records who/what/why and scores, never images.
"""

from __future__ import annotations

import sqlalchemy as sa
from zezhou5g.platform.outbox import outbox_tables

metadata = sa.MetaData()

UTC_TS = sa.DateTime(timezone=True)

tickets = sa.Table(
    "transport_tickets", metadata,
    sa.Column("ticket_id", sa.String(64), primary_key=True),
    sa.Column("trip_id", sa.String(64), nullable=False),
    sa.Column("seat", sa.String(16), nullable=False),
    sa.Column("departure", UTC_TS, nullable=False),
    sa.Column("station_id", sa.String(64), nullable=False),
    sa.Column("fare_fen", sa.Integer, nullable=False),
    sa.Column("passenger_ref", sa.String(64), nullable=False, index=True),
    sa.Column("id_hash", sa.String(64), nullable=False),
    sa.Column("passenger_name", sa.String(64), nullable=False, server_default=""),
    # The booking phone, AES-GCM sealed (one-time codes go there); NULL for tickets from before
    # revision t0002, which therefore cannot be enrolled until ticketing re-issues them.
    sa.Column("phone_sealed", sa.LargeBinary, nullable=True),
)

enrolments = sa.Table(
    "transport_enrolments", metadata,
    sa.Column("enrolment_id", sa.String(64), primary_key=True),
    sa.Column("ticket_id", sa.String(64), sa.ForeignKey("transport_tickets.ticket_id"),
              nullable=False, unique=True),
    sa.Column("passenger_ref", sa.String(64), nullable=False),
    sa.Column("template", sa.LargeBinary, nullable=False),
    sa.Column("photo", sa.LargeBinary, nullable=True),
    sa.Column("created", UTC_TS, nullable=False),
    sa.Column("purge_after", UTC_TS, nullable=False, index=True),
    # Keyed hash of the withdrawal code shown once at enrolment.
    sa.Column("withdrawal_code_hash", sa.String(64), nullable=True),
)

consent_log = sa.Table(
    "transport_consent_log", metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("passenger_ref", sa.String(64), nullable=False, index=True),
    sa.Column("ticket_id", sa.String(64), nullable=False),
    # "granted" | "withdrawn" | "purged"
    sa.Column("action", sa.String(16), nullable=False),
    sa.Column("text_version", sa.String(32), nullable=False, server_default=""),
    sa.Column("keep_photo", sa.Boolean, nullable=False, server_default=sa.false()),
    sa.Column("actor", sa.String(64), nullable=False),
    sa.Column("at", UTC_TS, nullable=False),
)

decisions = sa.Table(
    "transport_decisions", metadata,
    sa.Column("decision_id", sa.String(64), primary_key=True),
    sa.Column("gate_id", sa.String(64), nullable=False),
    sa.Column("station_id", sa.String(64), nullable=False, index=True),
    sa.Column("lane", sa.String(8), nullable=False),
    sa.Column("outcome", sa.String(8), nullable=False),
    sa.Column("reason", sa.String(64), nullable=False),
    sa.Column("mode", sa.String(4), nullable=False),
    sa.Column("score", sa.Float, nullable=False),
    sa.Column("threshold", sa.Float, nullable=False),
    sa.Column("ticket_id", sa.String(64), nullable=False),
    sa.Column("passenger_ref", sa.String(64), nullable=False),
    sa.Column("actor", sa.String(64), nullable=False),
    sa.Column("challenge", sa.String(16), nullable=False),
    sa.Column("details", sa.Text, nullable=False),
    sa.Column("at", UTC_TS, nullable=False),
    # The GateDecision as published (serialized proto): what a retried request gets back.
    # NULL on rows from before revision t0003.
    sa.Column("payload", sa.LargeBinary, nullable=True),
    # The face-lane passage it decided (NULL for the staffed lane): one decision per passage.
    sa.Column("passage_id", sa.String(64), nullable=True),
    sa.UniqueConstraint("passage_id", name="uq_transport_decisions_passage_id"),
)

# Anti-passback: the decision that used a ticket (one row per ticket; a refund deletes it).
ticket_claims = sa.Table(
    "transport_ticket_claims", metadata,
    sa.Column("ticket_id", sa.String(64), primary_key=True),
    sa.Column("decision_id", sa.String(64), nullable=False),
    sa.Column("at", UTC_TS, nullable=False),
)

ledger = sa.Table(
    "transport_ledger", metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("decision_id", sa.String(64), nullable=False),
    sa.Column("kind", sa.String(8), nullable=False),
    sa.Column("passenger_ref", sa.String(64), nullable=False, index=True),
    sa.Column("ticket_id", sa.String(64), nullable=False),
    sa.Column("station_id", sa.String(64), nullable=False),
    sa.Column("amount_fen", sa.Integer, nullable=False),
    sa.Column("at", UTC_TS, nullable=False),
    sa.UniqueConstraint("decision_id", "kind", name="uq_transport_ledger_decision_kind"),
)

manual_queue = sa.Table(
    "transport_manual_queue", metadata,
    sa.Column("item_id", sa.String(64), primary_key=True),
    sa.Column("gate_id", sa.String(64), nullable=False),
    sa.Column("station_id", sa.String(64), nullable=False, index=True),
    sa.Column("ticket_id", sa.String(64), nullable=False),
    sa.Column("reason", sa.String(64), nullable=False),
    sa.Column("state", sa.String(16), nullable=False),
    sa.Column("id_matches", sa.Boolean, nullable=False),
    sa.Column("score", sa.Float, nullable=False),
    sa.Column("created", UTC_TS, nullable=False),
    sa.Column("resolved_by", sa.String(64), nullable=False, server_default=""),
    sa.Column("decision_id", sa.String(64), nullable=False, server_default=""),
)

# One-time codes sent to a ticket's phone (only their keyed hash), single use, with expiry and
# a wrong-attempt counter.
otp_codes = sa.Table(
    "transport_otp_codes", metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("ticket_id", sa.String(64), nullable=False, index=True),
    sa.Column("purpose", sa.String(16), nullable=False),
    sa.Column("code_hash", sa.String(64), nullable=False),
    sa.Column("created", UTC_TS, nullable=False),
    sa.Column("expires", UTC_TS, nullable=False),
    sa.Column("attempts", sa.Integer, nullable=False, server_default="0"),
    sa.Column("used", sa.Boolean, nullable=False, server_default=sa.false()),
)

# The demo SMS adapter's outbox: what would have gone to the SMS gateway (number masked).
sms_outbox = sa.Table(
    "transport_sms_outbox", metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("ticket_id", sa.String(64), nullable=False, index=True),
    sa.Column("phone_masked", sa.String(32), nullable=False),
    sa.Column("body", sa.Text, nullable=False),
    sa.Column("sent", UTC_TS, nullable=False),
    # The body's language (zh-CN | en); "mul" for messages before t0004, written in both.
    sa.Column("lang", sa.String(8), nullable=False, server_default="zh-CN"),
)

# Enrolment audit: codes sent/refused, enrolments, withdrawals, every refusal, staff overrides.
enrolment_audit = sa.Table(
    "transport_enrolment_audit", metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("at", UTC_TS, nullable=False, index=True),
    sa.Column("ticket_id", sa.String(64), nullable=False, index=True),
    sa.Column("action", sa.String(32), nullable=False),
    sa.Column("reason", sa.String(200), nullable=False, server_default=""),
    sa.Column("actor", sa.String(64), nullable=False),
)

# The effects primitive's tables (zezhou5g.platform.outbox): events staged by a unit until the
# broker has them, and the ids of consumed events a unit processed.
outbox, consumed_events = outbox_tables(metadata, prefix="transport_")
OUTBOX_TABLES = (outbox, consumed_events)
