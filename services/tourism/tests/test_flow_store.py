"""Flow state in a real Redis: minute history and its 8-day trim, entries per local day (UTC+8),
alerts and the zone's open-alert pointer — written the way a unit of work writes them."""

from datetime import UTC, datetime

import pytest
from tourism.adapters.flow_store import (
    HISTORY_S,
    Crossings,
    FlowStore,
    FlowWrites,
    Sample,
    local_date,
)
from zezhou5g.platform.outbox import RedisOutbox
from zezhou5g.tourism.v1 import flow_pb2


@pytest.fixture
def store(redis_client):
    return FlowStore(redis_client)


def sample(store, zone, at, count, density):
    store.apply(FlowWrites(samples=[Sample(zone, at, count, density)]))


def crossings(store, gate, at, entries, exits):
    store.apply(FlowWrites(crossings=[Crossings(gate, at, entries, exits)]))


def ts(s: str) -> float:
    return datetime.fromisoformat(s).replace(tzinfo=UTC).timestamp()


def test_minutes_hold_mean_and_max(store):
    t0 = ts("2026-05-01T02:00:00")
    for i, c in enumerate([2, 4, 6]):
        sample(store, "z", t0 + 10 * i, c, c / 100)
    sample(store, "z", t0 + 60, 1, 0.01)
    (m1, m2) = store.history("z", t0, t0 + 120)
    assert (m1.minute_s, m1.mean_count, m1.max_count, m1.mean_density) == (t0, 4.0, 6, 0.04)
    assert (m2.minute_s, m2.mean_count) == (t0 + 60, 1.0)
    # A range starting inside a minute includes that minute; one after the last has nothing.
    assert [m.minute_s for m in store.history("z", t0 + 61, t0 + 120)] == [t0 + 60]
    assert store.history("z", t0 + 120, t0 + 600) == []


def test_history_keeps_eight_days(store):
    now = ts("2026-05-09T02:00:00")
    sample(store, "z", now - HISTORY_S - 120, 5, 0.05)      # older than 8 days
    sample(store, "z", now - 7 * 24 * 3600, 3, 0.03)        # 7 days ago: kept
    sample(store, "z", now, 1, 0.01)                         # this write trims
    minutes = store.history("z", 0, now + 60)
    assert [m.mean_count for m in minutes] == [3.0, 1.0]


@pytest.mark.parametrize("utc,local", [
    ("2026-05-01T15:59:59", "2026-05-01"), ("2026-05-01T16:00:00", "2026-05-02")])
def test_local_day_starts_at_midnight_beijing_time(utc, local):
    assert local_date(ts(utc)) == local


def test_crossings_per_gate_and_day(store):
    day1, day2 = ts("2026-05-01T10:00:00"), ts("2026-05-01T17:00:00")   # 18:00 / 01:00 local
    crossings(store, "g1", day1, 2, 1)
    crossings(store, "g1", day1, 1, 0)
    crossings(store, "g2", day1, 0, 4)
    crossings(store, "g1", day2, 5, 0)
    assert store.crossings("2026-05-01") == {"g1": (3, 1), "g2": (0, 4)}
    assert store.crossings("2026-05-02") == {"g1": (5, 0)}


def alert(aid, zone, state, at):
    codes = {"raised": flow_pb2.ZONE_ALERT_STATE_RAISED,
             "cleared": flow_pb2.ZONE_ALERT_STATE_CLEARED}
    a = flow_pb2.ZoneAlert(alert_id=aid, zone_id=zone, alert_state=codes[state])
    a.raised_at.FromSeconds(int(at))
    return a


def test_open_alert_pointer_follows_the_latest_alert(store):
    t = ts("2026-05-01T02:00:00")
    store.put_alert(alert("a1", "z", "raised", t))
    assert store.open_alert("z").alert_id == "a1"
    store.put_alert(alert("a1", "z", "cleared", t))
    assert store.open_alert("z") is None
    store.put_alert(alert("a2", "z", "raised", t + 60))
    # Acknowledging the old, cleared alert must not close the new one.
    old = store.alert("a1")
    old.acknowledged = True
    store.put_alert(old)
    assert store.open_alert("z").alert_id == "a2"
    assert [a.alert_id for a in store.alerts()] == ["a2", "a1"]
    assert [a.alert_id for a in store.alerts(open_only=True)] == ["a2"]


def test_alert_pages_open_and_history(store):
    t = ts("2026-05-01T02:00:00")
    for i in range(25):
        store.put_alert(alert(f"c{i:02d}", f"z{i}", "raised", t + i))
        store.put_alert(alert(f"c{i:02d}", f"z{i}", "cleared", t + i))
    store.put_alert(alert("open1", "zx", "raised", t + 100))
    page, total = store.alerts_page("cleared", limit=10, offset=20)
    assert total == 25
    assert [a.alert_id for a in page] == ["c04", "c03", "c02", "c01", "c00"]
    page, total = store.alerts_page("open", limit=10)
    assert (total, [a.alert_id for a in page]) == (1, ["open1"])
    page, total = store.alerts_page("all", limit=3)
    assert (total, [a.alert_id for a in page]) == (26, ["open1", "c24", "c23"])


def test_one_unit_folds_its_samples_and_reads_what_it_builds_on(store, redis_client):
    t = ts("2026-05-01T02:00:00")
    store.apply(FlowWrites(samples=[Sample("z", t, 2, 0.02), Sample("z", t + 5, 4, 0.04)],
                           crossings=[Crossings("g1", t, 1, 0)],
                           alerts=[alert("a1", "z", "raised", t)]))
    (m,) = store.history("z", t, t + 60)
    assert (m.mean_count, m.max_count) == (3.0, 4)
    outbox = RedisOutbox(redis_client, None, "tourism", {})
    opened, day = outbox.transact(lambda u: (store.read_open_alerts(u, ["z", "y"]),
                                             store.read_crossings(u, local_date(t))))
    assert {z: a.alert_id for z, a in opened.items()} == {"z": "a1"}
    assert day == {"g1": (1, 0)}
