"""Slots shared through the consumer-group protocol: the plan (table tests) and real members
of a group on the test session's Kafka broker."""

import threading
import uuid

import pytest
from zezhou5g.platform.assignment import SlotMembership, plan
from zezhou5g.platform.kafka import ensure_topics

SLOTS = range(16)


@pytest.mark.parametrize(("loads", "members", "owned", "expected"), [
    # Two busy slots out of 16, two equal members: one busy slot each (whatever the hash did).
    ({3: 1, 4: 1}, {"a": 1, "b": 1}, {}, {"a": [3], "b": [4]}),
    # Sticky: b held 3 before; it keeps it and a gets the other.
    ({3: 1, 4: 1}, {"a": 1, "b": 1}, {"b": [3]}, {"a": [4], "b": [3]}),
    # Capacity 3:1 over 8 cameras in 4 slots of 2: 6 and 2.
    ({0: 2, 1: 2, 2: 2, 5: 2}, {"gpu": 3, "cpu": 1}, {}, {"gpu": [0, 1, 5], "cpu": [2]}),
    # A member alone takes everything.
    ({1: 1, 9: 3}, {"a": 1}, {"gone": [1]}, {"a": [1, 9]}),
    # Holding more than the share gives the excess up: c joins, a keeps what fits its share
    # (slot 0) and the rest goes to whoever is furthest below theirs.
    ({0: 1, 1: 1, 2: 1}, {"a": 1, "c": 1}, {"a": [0, 1, 2]}, {"a": [0, 2], "c": [1]}),
])
def test_plan_shares_busy_slots_by_capacity(loads, members, owned, expected):
    got = plan(SLOTS, loads, members, owned)
    assert {m: [s for s in v if loads.get(s)] for m, v in got.items()} == expected
    # Every slot has exactly one owner (empty ones too: a camera added later has an owner).
    every = sorted(s for v in got.values() for s in v)
    assert every == list(SLOTS)


def test_plan_is_the_same_whoever_leads():
    loads = {s: 1 for s in range(0, 16, 3)}
    members = {"m2": 1.0, "m1": 2.0, "m3": 1.0}
    assert plan(SLOTS, loads, members, {}) == plan(reversed(SLOTS), loads,
                                                     dict(reversed(members.items())), {})


class Member:
    """One real member of the group; records what it owns after each rebalance."""

    def __init__(self, kafka, topic, group, loads, capacity=1.0):
        self.owned: frozenset[int] = frozenset()
        self.changed = threading.Event()
        self.m = SlotMembership(kafka.bootstrap, topic, group, loads, self._on, capacity)

    def _on(self, slots):
        self.owned = slots
        self.changed.set()


def test_members_share_busy_slots_and_take_over_from_one_that_leaves(kafka, wait):
    topic, group = f"t-slots-{uuid.uuid4().hex[:8]}", f"g-{uuid.uuid4().hex[:8]}"
    ensure_topics(kafka.bootstrap, [topic], partitions=8)
    loads = {1: 1.0, 5: 1.0, 6: 1.0, 7: 1.0}
    a, b = Member(kafka, topic, group, loads), Member(kafka, topic, group, loads, capacity=3)
    a.m.start()
    wait(lambda: a.owned == frozenset(range(8)), 30, "a alone owns every slot")
    b.m.start()
    busy = set(loads)

    def split():
        return (len(a.owned & busy), len(b.owned & busy)) == (1, 3) and not a.owned & b.owned

    wait(split, 30, "busy slots split 1:3 by capacity")
    kept = a.owned & busy
    b.m.stop()
    assert b.owned == frozenset()
    wait(lambda: a.owned == frozenset(range(8)), 15, "a takes b's slots after b leaves")
    assert kept <= a.owned
    a.m.stop()
