"""SIGKILL the tourism service twice mid-stream: every reading has exactly one outcome, and
what the cameras produced across the kills was stored first and published under one id each.

Environment readings stream in from 12 sensors of 3 areas while one camera plays a short
crowd-surge clip in a loop (empty square, 6 s of walkers past the zone's capacity, empty again),
so zone statuses flow and crowding alerts are raised and cleared around the kills; the service
runs under the project's supervisor (``localinfra.supervise``, the ``supervised`` fixture), which
restarts it after each SIGKILL. Afterwards:

- each reading's event id has exactly one ``AreaEnvironment`` outcome (id derived from it), and
  each area's ``readings_total`` ran 1…n with nothing skipped or counted twice;
- every zone status and alert on Kafka carries the id derived from its cause (camera, zone,
  frame time; alert id and change), one id per cause, and the zone's minute history counts
  exactly the frames whose status went out; every stored alert's raise (and clear) was
  published, and nothing was published that is not stored.

A record whose outbox entry a kill left behind after the broker had it is sent again under the
same id (consumers drop it); the test says how many.
"""

from __future__ import annotations

import threading
import time
import uuid
from collections import Counter, defaultdict

from kafka import KafkaConsumer
from localinfra.proc import free_port
from tourism import clips
from tourism.adapters.flow_store import FlowStore
from tourism.app.alerts import alert_event_id
from tourism.app.flow import zone_status_id
from tourism.topics import ENV_READINGS, ENV_STATUS, ZONE_ALERTS, ZONE_STATUS
from zezhou5g.platform.kafka import EventProducer
from zezhou5g.platform.outbox import derived_id
from zezhou5g.tourism.v1 import flow_pb2, tourism_pb2

STATE = {flow_pb2.ZONE_ALERT_STATE_RAISED: "raised", flow_pb2.ZONE_ALERT_STATE_CLEARED: "cleared"}

READINGS = 300
IN_FLIGHT = 40     # readings published ahead of those folded in
CAMERA = "cam-xo"

AREAS_TOML = """
[defaults]
alert_at = 1.0
alert_hysteresis = 0.3
alert_hold_s = 0
clear_hold_s = 0
level_hold_s = 0
smoothing_frames = 3

[[areas]]
id = "jueshan"
name_zh = "珏山景区"
name_en = "Jueshan"
open_hours = 10.0
mean_visit_hours = 3.0

[[cameras]]
id = "{camera}"
area = "jueshan"
name_zh = "测试"
name_en = "Test"
source = "{source}"
loop = true
sample_fps = 2
image_points = [[130, 110], [640, 110], [768, 576], [0, 576]]
# 10 m far edge, 6 m near edge, 20 m deep = 160 m²: 3 people at 50 m²/person.
plan_points = [[0, 20], [10, 20], [8, 0], [2, 0]]

[[zones]]
id = "{zone}"
area = "jueshan"
camera = "{camera}"
name_zh = "测试区"
name_en = "Test zone"
kind = "main_sight"
area_per_visitor_m2 = 50
polygon = [[130, 110], [640, 110], [768, 576], [0, 576]]
"""


def _records(kafka, topics: dict) -> dict[str, list]:
    """Every record on each of ``topics`` (name → message class), decoded, by topic."""
    consumer = KafkaConsumer(*topics, bootstrap_servers=kafka.bootstrap, group_id=None,
                             auto_offset_reset="earliest", consumer_timeout_ms=3000)
    out: dict[str, list] = {t: [] for t in topics}
    for r in consumer:
        out[r.topic].append(topics[r.topic].FromString(r.value))
    consumer.close()
    return out


def _one_id_per_cause(records, cause) -> tuple[dict, int]:
    """Cause → its one event id (asserted), and how many records were re-sends of an id."""
    ids = defaultdict(set)
    for m in records:
        ids[cause(m)].add(m.meta.event_id)
    assert all(len(v) == 1 for v in ids.values()), {k: v for k, v in ids.items() if len(v) > 1}
    by_id = Counter(m.meta.event_id for m in records)
    return {k: next(iter(v)) for k, v in ids.items()}, sum(c - 1 for c in by_id.values())


def test_two_sigkills_lose_and_double_nothing(supervised, base_env, kafka, redis_client,
                                              tmp_path):
    run = uuid.uuid4().hex[:6]
    zone = f"xo-zone-{run}"
    clip = clips.crowd_surge_clip(tmp_path / "surge.avi", before_s=1.0, after_s=3.0)
    areas = tmp_path / "areas.toml"
    areas.write_text(AREAS_TOML.format(camera=CAMERA, source=clip, zone=zone), encoding="utf-8")
    port = free_port()
    env = base_env | {"Z5G_GRPC_PORT": str(port), "Z5G_METRICS_PORT": "0",
                      "Z5G_AREAS_FILE": str(areas), "Z5G_VISION_ENABLED": "true",
                      "Z5G_DENSITY_ENABLED": "false", "Z5G_SENSOR_STALE_S": "3600"}
    started = time.monotonic()
    tourism = supervised("tourism", env)

    sensors = [(f"xo-{run}-{a}", f"xo-{run}-{a}-s{s}") for a in range(3) for s in range(4)]
    sent: dict[str, str] = {}   # reading event id → area
    producer = EventProducer(kafka.bootstrap, "test-env-sensors")
    done = threading.Event()

    def folded() -> int:
        return sum(int(redis_client.get(f"tourism:env:readings_total:{a}") or 0)
                   for a in {a for a, _ in sensors})

    def stream() -> None:
        # Keep IN_FLIGHT readings ahead of the service, however fast this machine is: some
        # are always on their way when a kill comes, and the stream outlasts both kills.
        for n in range(READINGS):
            while n - folded() >= IN_FLIGHT:
                time.sleep(0.05)
            area, sensor = sensors[n % len(sensors)]
            reading = tourism_pb2.EnvironmentReading(
                sensor_id=sensor, area_id=area, temperature_c=15 + n % 10, humidity_pct=55,
                pm25_ug_m3=20, noise_db=45)
            sent[producer.publish(ENV_READINGS, reading, key=sensor)] = area
            time.sleep(0.01)
        producer.flush(30)
        done.set()

    def frame_since(t: float) -> bool:
        status = FlowStore(redis_client).zones.get(zone)
        return status is not None and status.frame_time.ToNanoseconds() / 1e9 > t

    sender = threading.Thread(target=stream, daemon=True)
    sender.start()
    for fraction in (0.25, 0.6):
        up = time.time()
        tourism.wait(lambda f=fraction: folded() >= READINGS * f, 90, f"{fraction:.0%} folded")
        tourism.wait(lambda t=up: frame_since(t), 60, "the camera's zone status")
        tourism.kill()
        print(f"killed with {len(sent) - folded()} readings in flight at "
              f"{time.monotonic() - started:.1f} s")
        tourism.wait_restarted()
    sender.join(90)
    assert done.is_set()
    tourism.wait(lambda: folded() == READINGS, 90, "every reading folded in")
    # The clip loops: on a slow machine the readings can all be in before the camera reached
    # its crowd, so wait for the crowd's alert instead of assuming it came by now.
    tourism.wait(lambda: any(a.zone_id == zone for a in FlowStore(redis_client).alerts(
        limit=1000)), 120, "the clip's crowd raised an alert")
    tourism.stop()   # graceful: the pipeline stops, then the relay flushes and forgets
    assert redis_client.hlen("tourism:outbox") == 0, "everything stored was published"
    print(f"all outcomes stored at {time.monotonic() - started:.1f} s")
    records = _records(kafka, {ENV_STATUS: tourism_pb2.AreaEnvironment,
                               ZONE_STATUS: flow_pb2.ZoneStatus,
                               ZONE_ALERTS: flow_pb2.ZoneAlert})

    # Readings: exactly one outcome each, folded in once each.
    statuses = [s for s in records[ENV_STATUS] if s.area_id.startswith(f"xo-{run}-")]
    expected = {derived_id(ENV_STATUS, e): a for e, a in sent.items()}
    outcomes = {s.meta.event_id: s for s in statuses}
    assert outcomes.keys() == expected.keys(), (
        f"{len(expected.keys() - outcomes.keys())} readings without an outcome, "
        f"{len(outcomes.keys() - expected.keys())} outcomes without a reading")
    totals = defaultdict(list)
    for s in outcomes.values():
        totals[s.area_id].append(s.readings_total)
    per_area = Counter(sent.values())
    assert {a: sorted(t) for a, t in totals.items()} == {
        a: list(range(1, n + 1)) for a, n in per_area.items()}
    env_resent = len(statuses) - len(outcomes)

    # Camera: one id per cause, derived from it; stored first, published once per cause.
    zone_statuses = [s for s in records[ZONE_STATUS] if s.zone_id == zone]
    frames, zone_resent = _one_id_per_cause(zone_statuses, lambda s: s.frame_time.ToNanoseconds())
    assert all(i == zone_status_id(CAMERA, zone, ns) for ns, i in frames.items())
    history = FlowStore(redis_client).history(zone, 0, time.time() + 60)
    assert sum(m.frames for m in history) == len(frames), (
        "each published zone status is one stored sample")

    alerts = [a for a in records[ZONE_ALERTS] if a.zone_id == zone]
    changes, alert_resent = _one_id_per_cause(alerts, lambda a: (a.alert_id, STATE[a.alert_state]))
    assert all(i == alert_event_id(aid, state) for (aid, state), i in changes.items())
    stored = [a for a in FlowStore(redis_client).alerts(limit=1000) if a.zone_id == zone]
    assert stored, "the clip's crowd raised alerts"
    assert {a.alert_id for a in alerts} == {a.alert_id for a in stored}, (
        "every stored alert was published, every published one is stored")
    for a in stored:
        assert (a.alert_id, "raised") in changes
        if a.alert_state == flow_pb2.ZONE_ALERT_STATE_CLEARED:
            assert (a.alert_id, "cleared") in changes
    episodes = sorted(stored, key=lambda a: a.raised_at.ToNanoseconds())
    for before, after in zip(episodes, episodes[1:], strict=False):
        assert before.alert_state == flow_pb2.ZONE_ALERT_STATE_CLEARED, \
            "one open alert per zone at a time"
        assert before.cleared_at.ToNanoseconds() <= after.raised_at.ToNanoseconds()
    print(f"{len(outcomes)} readings → {len(outcomes)} outcomes ({env_resent} re-sent); "
          f"{len(frames)} zone statuses ({zone_resent} re-sent); {len(stored)} alerts, "
          f"{len(changes)} alert events ({alert_resent} re-sent); "
          f"{time.monotonic() - started:.1f} s in all")
    producer.close()
