"""Hub records: many device readings in one Kafka record, read as if each had come alone.

A hub (a ward's monitor station, a LoRaWAN network server) delivers many readings in one post;
the gateway publishes them as one record of a batch message (``VitalSignsBatch``,
``SensorReadingBatch``). A consumer expands the poll's records with :func:`expand`, in memory
only: reading ``j`` of batch record ``e`` becomes an event of the single-reading topic with the
id ``derived_id(namespace, e, j)`` (the same every time the record is read, so what it causes
keeps its ids across redeliveries), and keeps the index of the record it came from, so that a
refusal is reported against that record (:func:`by_record`).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from google.protobuf.message import Message

from zezhou5g.platform.events import ConsumedEvent
from zezhou5g.platform.outbox import derived_id


@dataclass(frozen=True, slots=True)
class Item:
    """One reading of a poll, alone or out of a hub's record."""

    record: int            # index of its record in the poll
    event: ConsumedEvent   # as if it had come alone (its own id; the topic of single readings)
    record_id: str         # the id of its record: the reading's own, or its batch record's
    where: str             # "" alone, "set 3: " / "reading 3: " inside a batch

    @property
    def batched(self) -> bool:
        """Whether it came in a hub's record."""
        return self.record_id != self.event.event_id


def expand(events: Sequence[ConsumedEvent], batch: type[Message], items: str, topic: str,
           namespace: str, noun: str) -> list[Item]:
    """The poll's readings in order: single records as they are, ``batch`` records opened.

    ``items`` names the batch's repeated field of readings, ``topic`` the single-reading topic
    the readings are presented as, ``noun`` how a reason names one ("set", "reading").
    """
    out = []
    for i, e in enumerate(events):
        if not isinstance(e.message, batch):
            out.append(Item(i, e, e.event_id, ""))
            continue
        for j, reading in enumerate(getattr(e.message, items)):
            out.append(Item(i, e._replace(topic=topic, message=reading,
                                          event_id=derived_id(namespace, e.event_id, str(j))),
                            e.event_id, f"{noun} {j}: "))
    return out


# Readings decided in one unit of work at most. Redis 7.0 checks each key of a WATCH against
# the keys the client already watches, so one WATCH of n keys costs O(n²): 4,000 keys took
# 190 ms, and a poll of hub records holds tens of thousands of readings.
UNIT_READINGS = 200


def units(items: Sequence[Item], most: int = UNIT_READINGS) -> list[list[Item]]:
    """``items`` in order, in units of about ``most``, cut only between records.

    A record stays whole in one unit (its dedupe mark and its effects commit together); a
    record larger than ``most`` is a unit of its own.
    """
    out: list[list[Item]] = []
    current: list[Item] = []
    for k, item in enumerate(items):
        current.append(item)
        last_of_record = k + 1 == len(items) or items[k + 1].record != item.record
        if last_of_record and len(current) >= most:
            out.append(current)
            current = []
    if current:
        out.append(current)
    return out


def empty_batches(events: Sequence[ConsumedEvent], batch: type[Message], items: str
                  ) -> dict[int, list[str]]:
    """Index → reason for the batch records without readings (dead-lettered as such)."""
    return {i: ["a hub batch without readings"] for i, e in enumerate(events)
            if isinstance(e.message, batch) and not getattr(e.message, items)}


def by_record(reasons: Iterable[tuple[Item, str]],
              start: dict[int, list[str]] | None = None) -> dict[int, str]:
    """Record index → its readings' reasons, joined.

    A batch record is refused (dead-lettered) as a whole with every reason, though its valid
    readings were applied: replayed after a fix, only what was missing takes effect.
    """
    out = dict(start or {})
    for item, reason in reasons:
        out.setdefault(item.record, []).append(item.where + reason)
    return {i: "; ".join(r) for i, r in out.items()}
