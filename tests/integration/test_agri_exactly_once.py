"""SIGKILL the agri service twice while field readings stream in: every reading has exactly one
field status, every frost swing exactly one alarm raised and one cleared, every field one frost
order — counted by input event id, on the topics and in SQL.

8 fields with one weather mast each send 65 air temperatures (event times a minute apart) that
swing between 5 °C (clear) and −0.5 °C (major frost on flowering wheat) every 5 readings,
ending warm: per field 6 alarms raised and 6 cleared, and one frost-protection order (no
machine reports, so it stays open and later frosts ask for none). The service runs under the
project's supervisor (``localinfra.supervise``, the ``supervised`` fixture), which restarts it
after each SIGKILL.
"""

from __future__ import annotations

import threading
import time
from collections import Counter, defaultdict
from datetime import UTC, datetime, timedelta

import yaml
from agri.app.telemetry import status_event_id
from kafka import KafkaConsumer
from localinfra.proc import free_port
from sqlalchemy import create_engine, text
from zezhou5g.agri.v1 import agri_pb2
from zezhou5g.platform.kafka import EventProducer

FIELDS = [f"xo-f{i:02d}" for i in range(1, 9)]
READINGS = 65
SWING = 5
WARM, FROSTY = 5.0, -0.5
ALARMS_EACH = 6


def _mast(field: str) -> str:
    return f"xo-air-{field[-2:]}"


def _cold(n: int) -> bool:
    return (n - 1) // SWING % 2 == 1


def _farm(path) -> None:  # type: ignore[no-untyped-def]
    fields = {}
    for i, f in enumerate(FIELDS):
        lat, lon = 35.6 + i * 0.01, 112.9
        fields[f] = {"name": {"zh": f, "en": f}, "crop": "winter_wheat", "stage": "flowering",
                     "soil": "sandy_loam", "owner": "farmer-xo",
                     "outline": [[lat, lon], [lat, lon + 0.004], [lat + 0.004, lon + 0.004]],
                     "devices": {_mast(f): "mast"}}
    # Hourly masts: no silence alarm on the wall clock while the test runs.
    path.write_text(yaml.safe_dump({
        "profiles": {"mast": {"metrics": ["air_temp_c"], "interval_s": 3600}},
        "fields": fields, "machines": {}}))


class Outcomes:
    """Collects this test's records from the output topics in a thread."""

    TOPICS = ("agri.field.status", "agri.alarms", "agri.orders")

    def __init__(self, consumer: KafkaConsumer) -> None:
        # Every partition from its end, no group (conftest ``tail``): a fresh group's first
        # join can outlast the test's 30 s wait on a loaded machine.
        self.consumer = consumer
        self.records: dict[str, list] = defaultdict(list)
        self.lock = threading.Lock()
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)

    def ready(self) -> bool:
        self.consumer.poll(100)
        assigned = self.consumer.assignment()
        for tp in assigned:
            self.consumer.position(tp)   # fix "latest" now, before anything is sent
        return len(assigned) > 0

    def _run(self) -> None:
        classes = {"agri.field.status": agri_pb2.FieldStatus, "agri.alarms": agri_pb2.Alarm,
                   "agri.orders": agri_pb2.WorkOrder}
        while not self.stop.is_set():
            for tp, rs in self.consumer.poll(200).items():
                msgs = [classes[tp.topic].FromString(r.value) for r in rs]
                mine = [m for m in msgs if m.field_id in FIELDS]
                with self.lock:
                    self.records[tp.topic].extend(mine)

    def of(self, topic: str) -> list:
        with self.lock:
            return list(self.records[topic])

    def answered(self) -> set[str]:
        """Input event ids that have a field status."""
        return {s.latest.meta.event_id for s in self.of("agri.field.status")}


def test_two_sigkills_mid_stream_lose_and_double_nothing(supervised, base_env, kafka, tmp_path,
                                                         wait, tail):
    farm = tmp_path / "farm.yaml"
    _farm(farm)
    db = tmp_path / "agri.db"
    port = free_port()
    env = base_env | {"Z5G_GRPC_PORT": str(port), "Z5G_METRICS_PORT": "0",
                      "Z5G_DATABASE_URL": f"sqlite:///{db}", "Z5G_AGRI_FARM_FILE": str(farm),
                      "Z5G_AGRI_TICK_S": "0.25"}
    outcomes = Outcomes(tail(*Outcomes.TOPICS))
    wait(outcomes.ready, 30, "output consumer assigned")
    outcomes.thread.start()
    began = time.monotonic()
    agri = supervised("agri", env)
    print(f"started in {time.monotonic() - began:.1f} s")

    producer = EventProducer(kafka.bootstrap, "xo-masts")
    t0 = datetime.now(UTC) - timedelta(minutes=READINGS + 2)
    inputs: dict[str, tuple[str, int, datetime]] = {}   # event id → (field, n, event time)
    done = threading.Event()

    def stream() -> None:
        for n in range(1, READINGS + 1):
            when = t0 + timedelta(minutes=n)
            for f in FIELDS:
                r = agri_pb2.SensorReading(device_id=_mast(f), field_id=f,
                                           air_temp_c=FROSTY if _cold(n) else WARM)
                r.meta.event_time.FromDatetime(when)
                inputs[producer.publish("agri.telemetry", r, key=_mast(f))] = (f, n, when)
            time.sleep(0.08)
        producer.flush(30)
        done.set()

    started = time.monotonic()
    sender = threading.Thread(target=stream)
    sender.start()
    total = len(FIELDS) * READINGS
    kills = 0
    for fraction in (0.25, 0.6):
        agri.wait(lambda f=fraction: len(outcomes.answered()) >= total * f, 90,
                  f"{fraction:.0%} answered")
        print(f"{fraction:.0%} answered at {time.monotonic() - started:.1f} s")
        agri.kill()
        began = time.monotonic()
        agri.wait_restarted()
        print(f"restarted and SERVING in {time.monotonic() - began:.1f} s")
        kills += 1
    print(f"killed twice by {time.monotonic() - started:.1f} s")
    sender.join(60)
    assert done.is_set() and len(inputs) == total

    def alarms_settled() -> bool:
        ids = {a.meta.event_id for a in outcomes.of("agri.alarms")}
        return len(ids) >= len(FIELDS) * ALARMS_EACH * 2
    agri.wait(lambda: outcomes.answered() >= set(inputs), 90, "every reading answered")
    agri.wait(alarms_settled, 30, "every alarm change published")
    agri.wait(lambda: {o.field_id for o in outcomes.of("agri.orders")} == set(FIELDS), 30,
              "a frost order per field")
    time.sleep(3.0)                      # a repeat or a late duplicate would show up now
    outcomes.stop.set()
    outcomes.thread.join(10)
    print(f"all published by {time.monotonic() - started:.1f} s")

    # Field status: one per reading, named after it, with the reading counted once.
    statuses = outcomes.of("agri.field.status")
    distinct = {s.meta.event_id: s for s in statuses}
    per_input = Counter(s.latest.meta.event_id for s in distinct.values())
    assert set(per_input) == set(inputs), "a status for a reading that was not sent"
    assert set(per_input.values()) == {1}, "a reading answered by two different statuses"
    assert all(eid == status_event_id(s.latest.meta.event_id) for eid, s in distinct.items())
    totals = defaultdict(list)
    for s in distinct.values():
        totals[s.field_id].append(s.readings_total)
    assert {f: sorted(v) for f, v in totals.items()} == {
        f: list(range(1, READINGS + 1)) for f in FIELDS}, "a reading counted twice or lost"

    # Alarms: each swing's first cold reading raises one, its first warm reading clears it.
    by_time = {(f, when): eid for eid, (f, _, when) in inputs.items()}
    raised_by, cleared_by = Counter(), Counter()
    changes = {a.meta.event_id: a for a in outcomes.of("agri.alarms")}
    for a in changes.values():
        assert a.alarm_type == agri_pb2.ALARM_TYPE_FROST, a
        if a.status == agri_pb2.ALARM_STATUS_ACTIVE_UNACK:
            raised_by[by_time[(a.field_id, a.start_time.ToDatetime(tzinfo=UTC))]] += 1
        else:
            assert a.status == agri_pb2.ALARM_STATUS_CLEARED_UNACK, a
            cleared_by[by_time[(a.field_id, a.clear_time.ToDatetime(tzinfo=UTC))]] += 1
    expected_raise = {eid for eid, (_, n, _) in inputs.items() if _cold(n) and not _cold(n - 1)}
    expected_clear = {eid for eid, (_, n, _) in inputs.items()
                      if n > 1 and not _cold(n) and _cold(n - 1)}
    assert len(expected_raise) == len(expected_clear) == len(FIELDS) * ALARMS_EACH
    assert raised_by == Counter(expected_raise)
    assert cleared_by == Counter(expected_clear)
    assert len({a.id for a in changes.values()}) == len(FIELDS) * ALARMS_EACH

    # Orders: the first frost of each field asked for protection, once.
    orders = {o.meta.event_id: o for o in outcomes.of("agri.orders")}
    assert sorted(o.field_id for o in orders.values()) == sorted(FIELDS)
    assert {o.state for o in orders.values()} == {agri_pb2.ORDER_STATE_CREATED}
    resent = sum(len(outcomes.of(t)) for t in Outcomes.TOPICS) - len(distinct) - len(changes) \
        - len(orders)
    print(f"statuses {len(distinct)}, alarm changes {len(changes)}, orders {len(orders)}, "
          f"re-sent copies (same event id) {resent}")

    # SQL records, through the records queue: each alarm once, cleared; one order per field.
    engine = create_engine(f"sqlite:///{db}")

    def rows(sql: str) -> list:
        with engine.connect() as c:
            return list(c.execute(text(sql)))
    agri.wait(lambda: rows("select count(*) from agri_alarms where status = 3")[0][0]
              == len(FIELDS) * ALARMS_EACH, 30, "alarm rows cleared in SQL")
    assert rows("select count(*), min(version), max(version) from agri_alarms")[0] == (
        len(FIELDS) * ALARMS_EACH, 2, 2)
    assert sorted(r[0] for r in rows("select field_id from agri_work_orders")) == sorted(FIELDS)
    engine.dispose()
    assert kills == 2
    producer.close()
    agri.stop()
