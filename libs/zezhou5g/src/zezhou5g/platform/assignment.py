"""Work shared out among replicas through Kafka's consumer-group protocol.

A *slot topic* carries no records: its partitions are slots of work (a camera, a group of
cameras). Every replica joins one consumer group on it; the broker's group coordinator notices
members that join, leave or die (no heartbeat for ``session_timeout_ms``), and the group's
leader hands the slots out with :class:`CapacityAssignor`:

* only *occupied* slots count (each member says which slots hold work and how much), so two
  cameras hashed into 64 slots still land on two replicas;
* each member advertises a capacity (a GPU worker says 8, a CPU worker 1): occupied slots are
  shared in proportion, largest remainder first;
* a member keeps the slots it had as far as its share allows (sticky), so a rebalance moves only
  what must move — a camera that moves loses its tracks and smoothing.

:class:`SlotMembership` runs the membership in one thread and calls ``on_change`` with the
slots this replica now owns, after every rebalance (also with an empty set when it owns none or
lost its membership). Nothing here knows about cameras.
"""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Callable, Iterable, Mapping

from kafka.consumer.group import KafkaConsumer
from kafka.consumer.subscription_state import ConsumerRebalanceListener
from kafka.coordinator.assignors.abstract import AbstractPartitionAssignor
from kafka.protocol.consumer.metadata import (
    ConsumerProtocolAssignment,
    ConsumerProtocolSubscription,
)

from zezhou5g.platform.logging import log_fields

log = logging.getLogger(__name__)


def plan(slots: Iterable[int], loads: Mapping[int, float], members: Mapping[str, float],
         owned: Mapping[str, Iterable[int]]) -> dict[str, list[int]]:
    """Which member gets which slot.

    Args:
        slots: every slot (partition) of the topic.
        loads: slot → its work (e.g. cameras in it); slots not listed are empty.
        members: member id → capacity.
        owned: member id → the slots it held before this rebalance.

    Returns:
        member id → sorted slots. Occupied slots are shared by capacity (by count, each
        weighted by its load, heaviest first), a member keeping what it held while under its
        share; empty slots are spread round-robin so a camera added later has an owner too.
    """
    slots = sorted(set(slots))
    result: dict[str, list[int]] = {m: [] for m in members}
    if not members:
        return result
    busy = sorted((s for s in slots if loads.get(s, 0) > 0), key=lambda s: (-loads[s], s))
    total_load = sum(loads[s] for s in busy)
    quota = _quotas(members, total_load)
    taken: dict[str, float] = dict.fromkeys(members, 0.0)
    holder = {s: m for m in sorted(owned) if m in members for s in owned[m]}
    free: list[int] = []
    for s in busy:                      # keep what fits the share
        m = holder.get(s)
        if m is not None and taken[m] + loads[s] <= quota[m] + 1e-9:
            result[m].append(s)
            taken[m] += loads[s]
        else:
            free.append(s)
    for s in free:                      # the rest to whoever is furthest under their share
        m = min(members, key=lambda m: (taken[m] - quota[m], m))
        result[m].append(s)
        taken[m] += loads[s]
    empty = [s for s in slots if loads.get(s, 0) <= 0]
    order = sorted(members)
    for i, s in enumerate(empty):
        result[order[i % len(order)]].append(s)
    return {m: sorted(v) for m, v in result.items()}


def _quotas(members: Mapping[str, float], total: float) -> dict[str, float]:
    """Each member's share of ``total`` by capacity (all equal when no capacity is positive)."""
    w = {m: max(0.0, float(c)) for m, c in members.items()}
    if sum(w.values()) <= 0:
        w = dict.fromkeys(w, 1.0)
    return {m: total * c / sum(w.values()) for m, c in w.items()}


class CapacityAssignor(AbstractPartitionAssignor):
    """The group's partition assignor: occupied slots by capacity, sticky (see module doc).

    Args:
        capacity: this member's share weight (> 0).
        loads: slot → work in it, as this member's configuration sees it.
        owned: returns the slots this member holds now (sent with every join).
    """

    name = "z5g-capacity"
    version = 0

    def __init__(self, capacity: float, loads: Mapping[int, float],
                 owned: Callable[[], Iterable[int]]) -> None:
        self.capacity = capacity
        self.loads = dict(loads)
        self._owned = owned

    def metadata(self, topics: Iterable[str]) -> ConsumerProtocolSubscription:
        """This member's join: its capacity, the slots it holds, the loads it sees."""
        info = {"capacity": self.capacity, "owned": sorted(self._owned()),
                "loads": {str(k): v for k, v in self.loads.items()}}
        return ConsumerProtocolSubscription(self.version, list(topics),
                                            json.dumps(info).encode())

    def assign(self, cluster: object, members: list) -> dict[str, ConsumerProtocolAssignment]:
        """The leader's plan for every member (see :func:`plan`)."""
        topics = sorted({t for m in members for t in m.metadata.topics})
        capacity: dict[str, float] = {}
        owned: dict[str, list[int]] = {}
        loads: dict[int, float] = {}
        for m in members:
            try:
                info = json.loads(bytes(m.metadata.user_data or b"{}"))
            except ValueError:
                info = {}
            capacity[m.member_id] = float(info.get("capacity", 1.0))
            owned[m.member_id] = [int(s) for s in info.get("owned", [])]
            # Members may run different configurations during a rollout: a slot is as busy as
            # the busiest member says.
            for k, v in dict(info.get("loads", {})).items():
                loads[int(k)] = max(loads.get(int(k), 0.0), float(v))
        out: dict[str, dict[str, list[int]]] = {m: {} for m in capacity}
        for topic in topics:
            parts = cluster.partitions_for_topic(topic) or set()  # type: ignore[attr-defined]
            for member, slots in plan(parts, loads, capacity, owned).items():
                out[member][topic] = slots
        log.info("slots assigned", extra=log_fields(
            members=len(capacity), busy=sum(1 for v in loads.values() if v > 0)))
        return {m: ConsumerProtocolAssignment(self.version, sorted(t.items()), b"")
                for m, t in out.items()}

    def on_assignment(self, assignment: ConsumerProtocolAssignment, generation: int) -> None:
        """Nothing to keep: what a member holds is sent again with each join."""
        pass


class SlotMembership:
    """This replica's membership of the slot group, in its own thread.

    Args:
        bootstrap: brokers.
        topic: the slot topic (must exist with its partitions).
        group_id: the consumer group (every replica sharing the work uses the same).
        loads: slot → work in it (e.g. cameras hashed there).
        on_change: called with the set of slots now owned after each rebalance, and with an
            empty set on stop; from the membership thread.
        capacity: this replica's share weight.
        client_id: shows in the broker's group listing.
        session_timeout_ms: a replica that stops heartbeating loses its slots after this.
    """

    def __init__(self, bootstrap: str, topic: str, group_id: str, loads: Mapping[int, float],
                 on_change: Callable[[frozenset[int]], None], capacity: float = 1.0,
                 client_id: str = "slots", session_timeout_ms: int = 10_000) -> None:
        self.topic = topic
        self.owned: frozenset[int] = frozenset()
        self._on_change = on_change
        self._assignor = CapacityAssignor(capacity, loads, lambda: self.owned)
        self._config: dict[str, object] = dict(
            bootstrap_servers=bootstrap, group_id=group_id, client_id=client_id,
            enable_auto_commit=False, partition_assignment_strategy=[self._assignor],
            # The topic is made with its slot count by whoever starts us; never by accident
            # with the broker's default partitions.
            allow_auto_create_topics=False,
            session_timeout_ms=session_timeout_ms, heartbeat_interval_ms=1_000,
            # A join waits at most this long for the other members (also the most a member may
            # go without polling; this thread polls every second).
            max_poll_interval_ms=30_000, metadata_max_age_ms=30_000,
            reconnect_backoff_max_ms=2_000)
        self._consumer: KafkaConsumer | None = None
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def _assigned(self, slots: frozenset[int]) -> None:
        if slots != self.owned:
            log.info("slots now owned", extra=log_fields(
                topic=self.topic, slots=len(slots), before=len(self.owned)))
        self.owned = slots
        self._on_change(slots)

    def start(self) -> None:
        """Join the group in the background (the topic must exist)."""
        self._consumer = KafkaConsumer(**self._config)
        self._consumer.subscribe([self.topic], listener=_Listener(self))
        self._thread = threading.Thread(target=self._run, name=f"slots-{self.topic}",
                                        daemon=True)
        self._thread.start()

    def _run(self) -> None:
        assert self._consumer is not None
        while not self._stop.is_set():
            try:
                # No records ever arrive; polling drives joins, rebalances and the listener.
                self._consumer.poll(timeout_ms=1000)
            except Exception as exc:  # noqa: BLE001 - the broker away: keep trying
                log.warning("slot group poll failed", extra=log_fields(error=repr(exc)))
                self._stop.wait(1.0)

    def stop(self) -> None:
        """Leave the group (its slots move to the others at once) and report no slots."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(5)
        try:
            if self._consumer is not None:
                self._consumer.close()
        except Exception as exc:  # noqa: BLE001 - leaving fails when the broker is gone
            log.warning("leaving the slot group failed", extra=log_fields(error=repr(exc)))
        self.owned = frozenset()
        self._on_change(self.owned)


class _Listener(ConsumerRebalanceListener):
    """Reports the new slots once assigned; a revoke alone changes nothing.

    Under the eager protocol every member revokes everything before each join, and most slots
    come straight back.
    """

    def __init__(self, membership: SlotMembership) -> None:
        self.m = membership

    def on_partitions_revoked(self, revoked: Iterable[object]) -> None:
        pass

    def on_partitions_assigned(self, assigned: Iterable[object]) -> None:
        self.m._assigned(frozenset(tp.partition for tp in assigned  # type: ignore[attr-defined]
                                   if tp.topic == self.m.topic))  # type: ignore[attr-defined]

    def on_partitions_lost(self, lost: Iterable[object]) -> None:
        # Membership lost (session expired): another member may own these slots by now.
        self.m._assigned(frozenset())
