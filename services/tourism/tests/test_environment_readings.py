"""Environment readings through the use case on the real Redis and broker: folded in once,
status published under an id derived from the reading's, nothing marked seen when the unit
fails, invalid readings rejected."""

import uuid

import pytest
import redis
from tourism.adapters.environment_store import EnvironmentStore
from tourism.app.environment import EnvironmentReadings
from tourism.topics import ENV_READINGS, ENV_STATUS
from zezhou5g.platform.events import ConsumedEvent
from zezhou5g.platform.kafka import RejectEvent
from zezhou5g.platform.outbox import derived_id
from zezhou5g.tourism.v1 import tourism_pb2


def event(area: str, sensor: str, temperature_c: float, **values: float) -> ConsumedEvent:
    r = tourism_pb2.EnvironmentReading(sensor_id=sensor, area_id=area,
                                       temperature_c=temperature_c, humidity_pct=50,
                                       pm25_ug_m3=20, noise_db=45, **values)
    r.meta.event_id = str(uuid.uuid4())
    r.meta.event_time.GetCurrentTime()
    return ConsumedEvent(ENV_READINGS, 0, 0, sensor, r, r.meta.event_id, None, 0)


@pytest.fixture
def env(outbox, redis_client):
    store = EnvironmentStore(redis_client)
    return EnvironmentReadings(store, outbox, stale_after_s=600), store


def test_each_reading_is_folded_once_and_its_status_published_once(env, published):
    readings, store = env
    area = f"area-{uuid.uuid4().hex[:8]}"
    first, second = event(area, "s1", 20.0), event(area, "s2", 24.0)
    readings.handle(first)
    readings.handle(first)          # redelivered after a crash: same id
    readings.handle(second)
    (status,) = [s for s in store.statuses() if s.area_id == area]
    assert status.readings_total == 2
    assert status.temperature_c == 22.0     # both sensors' latest, averaged
    got = published(ENV_STATUS, lambda m: m.area_id == area, 2)
    assert [m.meta.event_id for m in got] == [derived_id(ENV_STATUS, first.event_id),
                                              derived_id(ENV_STATUS, second.event_id)]
    assert [m.readings_total for m in got] == [1, 2]


def test_a_unit_that_fails_leaves_nothing_and_the_reading_new(env, outbox, monkeypatch):
    readings, store = env
    area = f"area-{uuid.uuid4().hex[:8]}"
    e = event(area, "s1", 20.0)

    def store_goes_away(*args, **kwargs):
        raise redis.ConnectionError("Redis went away mid-unit")

    monkeypatch.setattr(store, "stage_reading", store_goes_away)
    with pytest.raises(redis.ConnectionError):
        readings.handle(e)
    assert [s for s in store.statuses() if s.area_id == area] == []
    assert outbox.pending() == 0, "nothing staged for a unit that did not commit"
    monkeypatch.undo()
    readings.handle(e)               # the consumer's retry: not taken for a duplicate
    (status,) = [s for s in store.statuses() if s.area_id == area]
    assert status.readings_total == 1


@pytest.mark.parametrize("values,reason", [
    ({"sensor": ""}, "sensor_id and area_id are required"),
    ({"humidity_pct": 140}, "humidity_pct"),
])
def test_invalid_readings_are_rejected_and_change_nothing(env, values, reason):
    readings, store = env
    area = f"area-{uuid.uuid4().hex[:8]}"
    e = event(area, values.pop("sensor", "s1"), 20.0)
    for k, v in values.items():
        setattr(e.message, k, v)
    with pytest.raises(RejectEvent, match=reason):
        readings.handle(e)
    assert [s for s in store.statuses() if s.area_id == area] == []
