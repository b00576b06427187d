"""Readings from a field gateway (``agri.telemetry.batches``) through the real service (Kafka,
Redis, SQLite, gRPC): a gateway's record is read as its readings, once, with one status per
field it touched; a record with an invalid reading is dead-lettered with the reading's index."""

from __future__ import annotations

import time
import uuid

from zezhou5g.agri.v1 import agri_pb2
from zezhou5g.platform.outbox import derived_id

FIELDS = ("field-e1", "field-e2")


def _batch(n: int, temp: float, run: str) -> agri_pb2.SensorReadingBatch:
    batch = agri_pb2.SensorReadingBatch(gateway_id="gw-east")
    batch.meta.event_id = f"gw-{run}-{n}"
    for field in FIELDS:
        device = f"air-{field.removeprefix('field-')}-1"
        batch.readings.append(agri_pb2.SensorReading(device_id=device, field_id=field,
                                                     air_temp_c=temp, battery_pct=90))
    batch.readings.append(agri_pb2.SensorReading(device_id="soil-e1-1", field_id="field-e1",
                                                 soil_moisture_vwc=0.3, battery_pct=80))
    return batch


def _totals(stub) -> dict[str, int]:
    return {s.field_id: s.readings_total for s in stub.ListFieldStatus(
        agri_pb2.ListFieldStatusRequest(), timeout=5).fields if s.field_id in FIELDS}


def test_a_gateway_record_is_its_readings_once_with_one_status_per_field(
        agri_service, producer, kafka, wait, tail):
    stub = agri_service["stub"]
    statuses = tail("agri.field.status")
    dead = tail("agri.telemetry.batches.dlq")
    before = {f: _totals(stub).get(f, 0) for f in FIELDS}
    run = uuid.uuid4().hex[:6]
    # A frost night from one gateway: every record carries both fields' masts and a soil probe.
    sent = [_batch(n, t, run) for n, t in enumerate((4.0, 1.5, -0.5, -2.0, -3.0))]
    for batch in sent:
        producer.publish("agri.telemetry.batches", batch, key=batch.gateway_id)
        producer.flush(10)
        time.sleep(0.3)
    producer.publish("agri.telemetry.batches", sent[-1], key="gw-east")   # a resend
    producer.flush(10)

    frost = wait(lambda: (f := sorted(
        (a.field_id, a.severity) for a in stub.ListAlarms(
            agri_pb2.ListAlarmsRequest(), timeout=5).alarms
        if a.alarm_type == agri_pb2.ALARM_TYPE_FROST and a.field_id in FIELDS)) and
        f == [(f_, agri_pb2.SEVERITY_CRITICAL) for f_ in FIELDS] and f, 30, "critical frost")
    assert len(frost) == 2
    wait(lambda: _totals(stub) == {f: before[f] + (10 if f == "field-e1" else 5)
                                   for f in FIELDS}, 20, "every reading counted once")
    time.sleep(1.0)
    assert _totals(stub) == {f: before[f] + (10 if f == "field-e1" else 5) for f in FIELDS}

    # One status per field per record (the field's last reading in it), ids from the record.
    expected = sorted(derived_id("agri.field-status", b.meta.event_id, f)
                      for b in sent for f in FIELDS)
    got: list[agri_pb2.FieldStatus] = []
    deadline = time.monotonic() + 30
    while len(got) < len(expected) and time.monotonic() < deadline:
        for records in statuses.poll(timeout_ms=500).values():
            got += [agri_pb2.FieldStatus.FromString(r.value) for r in records
                    if r.key and r.key.decode() in FIELDS]
    time.sleep(1.0)                        # a second status for a record would come now
    for records in statuses.poll(timeout_ms=500).values():
        got += [agri_pb2.FieldStatus.FromString(r.value) for r in records
                if r.key and r.key.decode() in FIELDS]
    assert sorted(s.meta.event_id for s in got) == expected
    last = [s for s in got if s.field_id == "field-e1"][-1]
    assert last.latest.air_temp_c == -3.0 and last.latest.soil_moisture_vwc == 0.3

    # An implausible reading: the record is dead-lettered with the reading's index.
    bad = _batch(9, 2.0, run)
    bad.readings[1].air_temp_c = 99.0
    producer.publish("agri.telemetry.batches", bad, key="gw-east")
    producer.flush(10)
    letters = wait(lambda: [r for r in dead] or None, 30, "dead letter")
    reason = dict(letters[0].headers)["dlq-detail"].decode()
    assert "reading 1:" in reason, letters[0].headers


def test_a_buffered_log_in_one_record_is_evaluated_reading_by_reading(
        agri_service, producer, wait):
    """A gateway back from an outage sends a mast's readings of the last minutes in one
    record: each is a point in time (the rules run per field snapshot, and a device's second
    reading starts the next one), so frost starts at the first cold reading, not the last."""
    stub = agri_service["stub"]
    run = uuid.uuid4().hex[:6]
    batch = agri_pb2.SensorReadingBatch(gateway_id="gw-east")
    batch.meta.event_id = f"gw-log-{run}"
    t0 = int(time.time()) - 200
    for k, temp in enumerate((6.0, 1.5, -0.5, -2.0, -3.0)):   # flowering wheat: warning 2 °C
        r = batch.readings.add(device_id="air-e2-1", field_id="field-e2", air_temp_c=temp)
        r.meta.event_time.FromSeconds(t0 + 20 * k)
    producer.publish("agri.telemetry.batches", batch, key=batch.gateway_id)
    producer.flush(10)

    def frost():
        found = [a for a in stub.ListAlarms(agri_pb2.ListAlarmsRequest(), timeout=5).alarms
                 if a.alarm_type == agri_pb2.ALARM_TYPE_FROST and a.field_id == "field-e2"
                 and a.start_time.seconds >= t0]
        return found if found and found[0].severity == agri_pb2.SEVERITY_CRITICAL else None

    alarm = wait(frost, 30, "critical frost from the log")[0]
    assert alarm.start_time.seconds == t0 + 20   # the 1.5 °C reading raised it
