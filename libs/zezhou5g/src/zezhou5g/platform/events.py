"""Event metadata and trace context shared by producers and consumers (no I/O here)."""

from __future__ import annotations

import os
import random
import threading
import time
from dataclasses import dataclass
from datetime import datetime

from google.protobuf.message import Message

CONTENT_TYPE = "application/x-protobuf"

# Event and trace ids must be unique, not secret. os.urandom costs ~40 µs a call on our VMs and
# was half the cost of publishing an event, so ids come from a generator seeded once per process
# from the OS (and again in a forked child, which would otherwise repeat its parent's ids).
_rng = random.Random(os.urandom(32))
_rng_lock = threading.Lock()


def _reseed() -> None:
    global _rng
    _rng = random.Random(os.urandom(32))


os.register_at_fork(after_in_child=_reseed)


def _bits(n: int) -> int:
    with _rng_lock:
        return _rng.getrandbits(n)


# Version 4 and RFC 4122 variant bits of a random UUID.
_UUID4_CLEAR = ~((0xF000 << 64) | (0xC000 << 48))
_UUID4_SET = (0x4000 << 64) | (0x8000 << 48)


def new_event_id() -> str:
    """A random (version 4) UUID in text form (formatted directly: ~5x faster than uuid.UUID)."""
    h = f"{(_bits(128) & _UUID4_CLEAR) | _UUID4_SET:032x}"
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"


def new_traceparent(trace_id: str | None = None) -> str:
    """A W3C ``traceparent`` header value, continuing ``trace_id`` when given."""
    if trace_id:
        return f"00-{trace_id}-{_bits(64):016x}-01"
    h = f"{_bits(192):048x}"
    return f"00-{h[:32]}-{h[32:]}-01"


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
        meta.event_id = new_event_id()
    if not meta.source:
        meta.source = source
    if not meta.HasField("event_time"):
        if event_time is None:
            # UTC now. Timestamp.GetCurrentTime() goes through datetime and calendar.timegm
            # (~5 µs, a sixth of publishing an event); the clock's nanoseconds are exact.
            meta.event_time.seconds, meta.event_time.nanos = divmod(time.time_ns(), 1_000_000_000)
        else:
            meta.event_time.FromDatetime(event_time)
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
