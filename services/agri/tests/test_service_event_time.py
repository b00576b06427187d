"""Event time through the real service (Kafka, Redis, SQLite, gRPC): a real log with a two-week
gap imported with the importer raises one SENSOR_SILENT for the gap, and a LoRaWAN log one per
outage; a reading measured two hours ago lands in its own 15-minute bucket; one from two hours
ahead is refused with the reason.

Logs: Québec daily soil logs (Cabral 2023, Zenodo 10.5281/zenodo.7948797) and the Tektelic
Clover log of jclry1/soil-sensor @ 515f5d3a (shared/testdata)."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import yaml
from agri.config import HERE
from agri.importer.__main__ import load_mapping, run_import
from agri.importer.rows import Report, readings
from google.protobuf.timestamp_pb2 import Timestamp
from zezhou5g.agri.v1 import agri_pb2
from zezhou5g.platform import paths

LOG = paths.testdata_dir() / "soil_quebec" / "state_vars_daily_20180701_20210630.csv"
MAPPING = HERE / "importer" / "mappings" / "soil_quebec.toml"
SINCE, UNTIL = "2018-10-05", "2018-10-31"     # E2's probe is silent 2018-10-12 … 10-25


@pytest.fixture
def farm_file(tmp_path: Path) -> Path:
    """The shipped farm, with field-e2's probe registered as the daily logger it is."""
    doc = yaml.safe_load((HERE / "farm.yaml").read_text())
    doc["fields"]["field-e2"]["devices"]["soil-e2-1"] = "soil-log-daily"
    path = tmp_path / "farm.yaml"
    path.write_text(yaml.safe_dump(doc, allow_unicode=True))
    return path


def _ts(t: datetime) -> Timestamp:
    ts = Timestamp()
    ts.FromDatetime(t)
    return ts


def test_event_time_gap_bucket_and_future(agri_service, producer, kafka, wait, tail):
    stub = agri_service["stub"]
    dead = tail("agri.telemetry.dlq")

    # The real log, E2's probe only, shifted so its last day is a minute ago (gaps kept).
    m = load_mapping(MAPPING)
    days = [r for r in readings(LOG.read_text(encoding="utf-8-sig"), m, Report())
            if r.device_id == "soil-e2-1"
            and SINCE <= r.meta.event_time.ToDatetime(UTC).date().isoformat() < UNTIL]
    gaps = [(a, b) for a, b in zip(days, days[1:], strict=False)
            if b.meta.event_time.seconds - a.meta.event_time.seconds > 3 * 86400]
    assert len(gaps) == 1                      # the two weeks of October 2018
    report = run_import(LOG, m, kafka=kafka.bootstrap, shift_to_now=True, since=SINCE,
                        until=UNTIL)
    assert report.readings > 10 and report.imported == report.readings

    def silent():
        return [a for a in stub.ListAlarms(agri_pb2.ListAlarmsRequest(), timeout=5).alarms
                if a.alarm_type == agri_pb2.ALARM_TYPE_SENSOR_SILENT
                and a.originator == "soil-e2-1"]
    wait(lambda: silent() and all(a.status == agri_pb2.ALARM_STATUS_CLEARED_UNACK
                                  for a in silent()), 30, "silence for the gap, cleared")
    time.sleep(1.0)                            # ticks pass: no wall-clock alarm on top
    (alarm,) = silent()
    gap_s = gaps[0][1].meta.event_time.seconds - gaps[0][0].meta.event_time.seconds
    lasted = alarm.clear_time.seconds - alarm.start_time.seconds
    assert abs(lasted - (gap_s - 3 * 86400)) < 2          # from last + 3 intervals to the next

    # The LoRaWAN log (Tektelic Clover, jclry1/soil-sensor), three days around its longest
    # outage (7.75 h on 2025-08-04): one SENSOR_SILENT per gap longer than 3 × 15 min.
    tek = load_mapping(HERE / "importer" / "mappings" / "lorawan_tektelic.toml")
    tek_log = paths.testdata_dir() / "lorawan_tektelic" / "readings.js"
    window = ("2025-08-03", "2025-08-06")
    ns = [r.meta.event_time.ToNanoseconds() for r in readings(tek_log.read_text(), tek, Report())
          if window[0] <= r.meta.event_time.ToDatetime(UTC).date().isoformat() < window[1]]
    expected = sum(b - a > 2700e9 for a, b in zip(ns, ns[1:], strict=False))
    assert expected >= 1
    tek_report = run_import(tek_log, tek, kafka=kafka.bootstrap, shift_to_now=True,
                            since=window[0], until=window[1])
    assert tek_report.imported == len(ns) > 250

    def clover():
        return [a for a in stub.ListAlarms(agri_pb2.ListAlarmsRequest(), timeout=5).alarms
                if a.alarm_type == agri_pb2.ALARM_TYPE_SENSOR_SILENT
                and a.originator == "clover-e3-1"]
    wait(lambda: len(clover()) == expected and all(
        a.status == agri_pb2.ALARM_STATUS_CLEARED_UNACK for a in clover()), 30,
        f"{expected} silences of the LoRaWAN sensor")

    # A reading measured two hours ago goes to its own bucket, not to the arrival's.
    now = datetime.now(UTC)
    past = now - timedelta(hours=2)
    reading = agri_pb2.SensorReading(device_id="air-e3-1", field_id="field-e3",
                                     air_temp_c=11.5)
    reading.meta.event_time.CopyFrom(_ts(past))
    producer.publish("agri.telemetry", reading, key="air-e3-1")
    future = agri_pb2.SensorReading(device_id="air-e3-1", field_id="field-e3", air_temp_c=12.0)
    future.meta.event_time.CopyFrom(_ts(now + timedelta(hours=2)))
    producer.publish("agri.telemetry", future, key="air-e3-1")
    producer.flush(10)

    def points():
        return list(stub.GetSensorHistory(agri_pb2.GetSensorHistoryRequest(
            device_id="air-e3-1", metric="air_temp_c",
            since=_ts(now - timedelta(hours=3)), until=_ts(now + timedelta(hours=3))),
            timeout=5).points)
    wait(lambda: points(), 30, "history bucket")
    time.sleep(1.0)                            # a few flushes: nothing else may arrive
    start = int(past.timestamp()) // 900 * 900
    assert [(p.time.seconds, p.count, round(p.mean, 3)) for p in points()] == [(start, 1, 11.5)]

    rejected: list = []
    wait(lambda: rejected.extend(m for m in dead) or rejected, 30, "future reading refused")
    detail = dict(rejected[0].headers)["dlq-detail"].decode()
    assert "in the future" in detail, detail
