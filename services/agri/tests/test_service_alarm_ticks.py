"""The wall-clock alarm ticks at farm scale, through the real service (Kafka, Redis, SQLite, gRPC).

- A field gateway's outage silences every probe behind it at once: 600 probes (more than one
  unit of work decides) each get exactly one ``SENSOR_SILENT``.
- While a service process is behind on readings, devices whose readings wait in Kafka are not
  taken for silent; once it has caught up, the silent ones are.
- Critical frost is notified again at its repeat period until someone acknowledges it; the
  acknowledged alarm stops repeating, the other goes on (the repeat index follows every change).
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest
import yaml
from agri.adapters.field_state import READERS_BEHIND
from agri.app.alarms import CHUNK
from agri.config import HERE
from zezhou5g.agri.v1 import agri_pb2

from .conftest import PROBE_INTERVAL_S

PROBES = 600
REPEAT_S = 1.0
FROST_FIELDS = ("field-e1", "field-e2")


@pytest.fixture
def farm_file(tmp_path: Path) -> Path:
    """The shipped farm at 1 s intervals, with a field of 600 probes behind one gateway."""
    doc = yaml.safe_load((HERE / "farm.yaml").read_text())
    for p in doc["profiles"].values():
        p["interval_s"] = PROBE_INTERVAL_S
    doc["fields"]["field-big"] = {
        "name": {"zh": "大田", "en": "big field"}, "crop": "maize", "stage": "vegetative",
        "soil": "sandy_loam", "owner": "farmer-li",
        "outline": [[35.53, 112.89], [35.53, 112.90], [35.52, 112.90]],
        "devices": {f"big-{i:03d}": "soil-probe" for i in range(PROBES)}}
    doc["fields"]["field-lag"] = {**doc["fields"]["field-big"], "name": {"zh": "小田", "en": "lag"},
                                  "devices": {f"lag-{i}": "soil-probe" for i in range(10)}}
    path = tmp_path / "farm.yaml"
    path.write_text(yaml.safe_dump(doc, allow_unicode=True))
    return path


@pytest.fixture
def rules_file(tmp_path: Path) -> Path:
    """The shipped rules with critical frost repeated every second."""
    doc = yaml.safe_load((HERE / "rules.yaml").read_text())
    doc["alarm_timing"]["FROST"]["repeat_every_s"] = REPEAT_S
    path = tmp_path / "rules.yaml"
    path.write_text(yaml.safe_dump(doc, allow_unicode=True))
    return path


def test_a_gateway_outage_silences_every_probe_once(agri_service, producer, wait, tail):
    assert PROBES > 2 * CHUNK
    alarms = tail("agri.alarms")
    batch = agri_pb2.SensorReadingBatch(gateway_id="gw-big")
    batch.meta.event_id = f"gw-big-{time.time_ns()}"
    for i in range(PROBES):
        reading = batch.readings.add(device_id=f"big-{i:03d}", field_id="field-big",
                                     soil_moisture_vwc=0.25, battery_pct=80)
        reading.meta.event_time.GetCurrentTime()
    producer.publish("agri.telemetry.batches", batch, key=batch.gateway_id)
    producer.flush(10)

    # The gateway goes quiet: every probe is silent 3 intervals after its reading.
    silent: dict[str, int] = {}
    deadline = time.monotonic() + 30
    while len(silent) < PROBES and time.monotonic() < deadline:
        for records in alarms.poll(timeout_ms=500).values():
            for r in records:
                a = agri_pb2.Alarm.FromString(r.value)
                if (a.alarm_type == agri_pb2.ALARM_TYPE_SENSOR_SILENT
                        and a.originator.startswith("big-")
                        and a.status == agri_pb2.ALARM_STATUS_ACTIVE_UNACK):
                    silent[a.originator] = silent.get(a.originator, 0) + 1
    assert len(silent) == PROBES, f"{len(silent)} of {PROBES} probes silenced in 30 s"
    time.sleep(4 * PROBE_INTERVAL_S)                 # more ticks: nothing is raised twice
    for records in alarms.poll(timeout_ms=500).values():
        for r in records:
            a = agri_pb2.Alarm.FromString(r.value)
            if a.originator.startswith("big-") and a.status == agri_pb2.ALARM_STATUS_ACTIVE_UNACK:
                silent[a.originator] += 1
    assert set(silent.values()) == {1}


def _silenced(alarms, prefix: str) -> set[str]:
    out = set()
    for records in alarms.poll(timeout_ms=500).values():
        for r in records:
            a = agri_pb2.Alarm.FromString(r.value)
            if (a.alarm_type == agri_pb2.ALARM_TYPE_SENSOR_SILENT
                    and a.originator.startswith(prefix)
                    and a.status == agri_pb2.ALARM_STATUS_ACTIVE_UNACK):
                out.add(a.originator)
    return out


def test_a_backlog_is_not_taken_for_silence(agri_service, producer, redis_client, tail):
    alarms = tail("agri.alarms")
    # Another process of the service reports it is a minute behind on readings.
    redis_client.hset(READERS_BEHIND, "peer", f"60.0,{time.time()!r}")
    try:
        batch = agri_pb2.SensorReadingBatch(gateway_id="gw-lag")
        batch.meta.event_id = f"gw-lag-{time.time_ns()}"
        for i in range(10):
            reading = batch.readings.add(device_id=f"lag-{i}", field_id="field-lag",
                                         soil_moisture_vwc=0.25, battery_pct=80)
            reading.meta.event_time.GetCurrentTime()
        producer.publish("agri.telemetry.batches", batch, key=batch.gateway_id)
        producer.flush(10)
        silenced: set[str] = set()
        deadline = time.monotonic() + 6 * PROBE_INTERVAL_S   # twice the silence deadline
        while time.monotonic() < deadline:
            silenced |= _silenced(alarms, "lag-")
        assert not silenced, "devices taken for silent while readings may wait in Kafka"
    finally:
        redis_client.hdel(READERS_BEHIND, "peer")
    deadline = time.monotonic() + 15
    while len(silenced) < 10 and time.monotonic() < deadline:
        silenced |= _silenced(alarms, "lag-")
    assert silenced == {f"lag-{i}" for i in range(10)}


def test_critical_frost_repeats_until_acknowledged(agri_service, producer, wait):
    stub = agri_service["stub"]
    for temp in (1.0, -3.0):
        for field in FROST_FIELDS:
            device = f"air-{field.removeprefix('field-')}-1"
            producer.publish("agri.telemetry", agri_pb2.SensorReading(
                device_id=device, field_id=field, air_temp_c=temp, battery_pct=90), key=device)
        producer.flush(10)

    def frost() -> dict[str, agri_pb2.Alarm]:
        return {a.field_id: a for a in stub.ListAlarms(agri_pb2.ListAlarmsRequest(
            active_only=True), timeout=5).alarms if a.alarm_type == agri_pb2.ALARM_TYPE_FROST
            and a.field_id in FROST_FIELDS and a.severity == agri_pb2.SEVERITY_CRITICAL}
    wait(lambda: len(frost()) == 2 and all(a.notify_count >= 3 for a in frost().values()),
         30, "both critical frost alarms notified again twice")

    acked = stub.AckAlarm(agri_pb2.AckAlarmRequest(id=frost()["field-e1"].id, user="bureau"),
                          timeout=5)
    time.sleep(3 * REPEAT_S)
    after = frost()
    # The acknowledged alarm is no longer repeated (its list row is the acknowledgement's),
    # the other is, about once a second.
    assert after["field-e1"].notify_count == acked.notify_count
    before = after["field-e2"].notify_count
    wait(lambda: frost()["field-e2"].notify_count >= before + 2, 10, "field-e2 goes on")
