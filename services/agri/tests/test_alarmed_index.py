"""Current alarms are read only for originators in the ``agri:alarmed`` set (real Redis): an
alarm written before the set existed is found once a service start has indexed it, and a
first alarm committed by someone else makes a unit that read "no alarm" decide again."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from agri.adapters.alarm_store import AlarmStore, to_json
from agri.domain.alarms import Alarm, Severity, Status
from zezhou5g.platform.db import make_engine
from zezhou5g.platform.outbox import RedisOutbox


def _alarm(originator: str) -> Alarm:
    now = datetime(2026, 12, 6, 3, 0, tzinfo=UTC)
    return Alarm(f"a-{originator}", originator, "SENSOR_SILENT", Severity.MAJOR,
                 Status.ACTIVE_UNACK, now, now, "field-e1", None, None, "", "{}")


@pytest.fixture
def store(tmp_path):
    return AlarmStore(make_engine(f"sqlite:///{tmp_path}/a.db"))


def test_an_alarm_older_than_the_set_is_found_after_indexing(redis_client, store):
    redis_client.hset("agri:alarms:probe-old", "SENSOR_SILENT", to_json(_alarm("probe-old")))
    outbox = RedisOutbox(redis_client, None, "agri", {})

    def read():
        return outbox.transact(lambda unit: store.read_current(unit, ["probe-old", "probe-new"]))

    assert read() == {"probe-old": {}, "probe-new": {}}        # not in the set yet
    assert AlarmStore.index_alarmed(redis_client, batch=1) == 1
    current = read()
    assert current["probe-old"]["SENSOR_SILENT"].id == "a-probe-old"
    assert current["probe-new"] == {}
    assert AlarmStore.index_alarmed(redis_client) == 0           # once per Redis


def test_a_first_alarm_committed_meanwhile_makes_the_unit_decide_again(redis_client, store):
    outbox = RedisOutbox(redis_client, None, "agri", {})
    runs: list[dict] = []

    def work(unit):
        current = store.read_current(unit, ["probe-race"])
        runs.append(current)
        if len(runs) == 1:   # another process raises the probe's first alarm now
            other = RedisOutbox(redis_client, None, "agri", {})
            other.transact(lambda u: store.stage(u, _alarm("probe-race")))
        unit.w.set("agri:test:decided", str(len(current["probe-race"])))

    outbox.transact(work)
    assert len(runs) == 2 and runs[0] == {"probe-race": {}}
    assert "SENSOR_SILENT" in runs[1]["probe-race"]
    assert redis_client.get("agri:test:decided") == "1"
