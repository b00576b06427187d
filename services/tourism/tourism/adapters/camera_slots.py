"""Which cameras this tourism replica runs: Kafka's consumer-group protocol shares them out.

Each camera hashes to one partition (*slot*) of ``tourism.camera-slots``, a topic that carries
no records; every replica joins the group ``Z5G_CAMERA_GROUP`` on it and runs the cameras of
the slots it is assigned (:mod:`zezhou5g.platform.assignment`: busy slots shared by capacity,
sticky). A replica that dies stops heartbeating and its cameras move to the others once the
session times out; a GPU replica advertises a larger capacity and takes more cameras.
"""

from __future__ import annotations

import logging
import zlib
from collections.abc import Callable, Iterable

from zezhou5g.platform.assignment import SlotMembership
from zezhou5g.platform.kafka import ensure_topics
from zezhou5g.platform.logging import log_fields

log = logging.getLogger(__name__)

TOPIC = "tourism.camera-slots"


def slot_of(camera_id: str, slots: int) -> int:
    """The slot of a camera: a stable hash, the same in every replica whatever else it runs."""
    return zlib.crc32(camera_id.encode("utf-8")) % slots


class CameraSlots:
    """This replica's share of the cameras.

    Args:
        bootstrap: brokers.
        group_id: consumer group of the replicas that share these cameras.
        camera_ids: the cameras of the areas file.
        slots: partitions of the slot topic (more slots than cameras: few share one).
        on_change: called with the camera ids this replica now runs (membership thread).
        capacity: this replica's share weight (Z5G_CAMERA_CAPACITY).
        worker: this replica's name, shown in the group.
    """

    def __init__(self, bootstrap: str, group_id: str, camera_ids: Iterable[str], slots: int,
                 on_change: Callable[[frozenset[str]], None], capacity: float = 1.0,
                 worker: str = "tourism") -> None:
        self.bootstrap, self.group_id, self.slots = bootstrap, group_id, slots
        self.camera_ids = sorted(camera_ids)
        self.capacity, self.worker = capacity, worker
        self.by_slot: dict[int, list[str]] = {}
        self._on_change = on_change
        self._membership: SlotMembership | None = None

    def _slots_changed(self, slots: frozenset[int]) -> None:
        self._on_change(frozenset(c for s in slots for c in self.by_slot.get(s, ())))

    def start(self) -> None:
        """Create the slot topic if missing and join the group (blocking until it exists).

        Cameras hash over the partitions the topic really has: a topic made earlier with
        another count is used as it is (every replica then agrees), with a warning.
        """
        actual = ensure_topics(self.bootstrap, [TOPIC], partitions=self.slots)[TOPIC]
        if actual != self.slots:
            log.warning("camera slot topic has another partition count; using it",
                        extra=log_fields(topic=TOPIC, partitions=actual, configured=self.slots))
            self.slots = actual
        self.by_slot = {}
        for cid in self.camera_ids:
            self.by_slot.setdefault(slot_of(cid, self.slots), []).append(cid)
        loads = {s: float(len(c)) for s, c in self.by_slot.items()}
        self._membership = SlotMembership(
            self.bootstrap, TOPIC, self.group_id, loads, self._slots_changed,
            capacity=self.capacity, client_id=self.worker)
        self._membership.start()

    def stop(self) -> None:
        """Leave the group: the cameras move to the other replicas at once."""
        if self._membership is not None:
            self._membership.stop()
