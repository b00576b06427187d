"""Each scenario service, run for real: device event on Kafka → service → Redis, status event
on Kafka and the gRPC API; an invalid reading is dead-lettered with its reason."""

import threading
from dataclasses import dataclass
from typing import Any

import grpc
import pytest
from grpc_health.v1 import health_pb2, health_pb2_grpc
from localinfra.proc import free_port
from zezhou5g.agri.v1 import agri_pb2, agri_pb2_grpc
from zezhou5g.medical.v1 import medical_pb2, medical_pb2_grpc
from zezhou5g.platform.kafka import EventProducer
from zezhou5g.tourism.v1 import tourism_pb2, tourism_pb2_grpc
from zezhou5g.transport.v1 import transport_pb2, transport_pb2_grpc


@dataclass
class Case:
    name: str
    in_topic: str
    out_topic: str
    good: Any
    bad: Any
    bad_reason: str
    query: Any  # (channel) -> list of status messages
    extra: Any = None  # (tmp_path) -> extra settings

    def serve_and_settings(self, env):
        import importlib

        main = importlib.import_module(f"{self.name}.main")
        config = importlib.import_module(f"{self.name}.config")
        cls = next(v for k, v in vars(config).items()
                   if k.endswith("Settings") and k != "ServiceSettings")
        return main.serve, cls(**env)


CASES = [
    Case("tourism", "tourism.env.readings", "tourism.env.status",
         tourism_pb2.EnvironmentReading(sensor_id="s1", area_id="jueshan", temperature_c=22,
                                        humidity_pct=50, pm25_ug_m3=20, noise_db=45),
         tourism_pb2.EnvironmentReading(sensor_id="s1", area_id="jueshan", temperature_c=22,
                                        humidity_pct=140, pm25_ug_m3=20, noise_db=45),
         "humidity_pct=140",
         lambda ch: list(tourism_pb2_grpc.TourismServiceStub(ch).ListAreaEnvironment(
             tourism_pb2.ListAreaEnvironmentRequest(), timeout=5).areas)),
    Case("medical", "medical.vitals", "medical.patient.status",
         medical_pb2.VitalSigns(patient_id="p-1001", device_id="w-1", seq=1,
                                heart_rate_bpm=72, spo2_pct=97),
         medical_pb2.VitalSigns(patient_id="p-1001", device_id="w-1", seq=2, heart_rate_bpm=0,
                                spo2_pct=97),
         "heart_rate_bpm=0",
         lambda ch: [medical_pb2_grpc.MedicalServiceStub(ch).GetPatientVitals(
             medical_pb2.GetPatientVitalsRequest(
                 patient_id="p-1001", requester=medical_pb2.Requester(
                     user="dr-wang", care_team="team-a", role="clinician")), timeout=5)],
         lambda tmp: {"database_url": f"sqlite:///{tmp}/medical.db"}),
    Case("agri", "agri.telemetry", "agri.field.status",
         agri_pb2.SensorReading(device_id="d1", field_id="f1", soil_moisture_vwc=0.25),
         agri_pb2.SensorReading(device_id="d1", field_id="f1", soil_moisture_vwc=0.95),
         "soil_moisture_vwc=0.95",
         lambda ch: list(agri_pb2_grpc.AgriServiceStub(ch).ListFieldStatus(
             agri_pb2.ListFieldStatusRequest(), timeout=5).fields)),
    Case("transport", "transport.gate.heartbeats", "transport.gate.status",
         transport_pb2.GateHeartbeat(gate_id="g1", station_id="st", camera_ok=False,
                                     queue_length=3),
         transport_pb2.GateHeartbeat(gate_id="", station_id="st"),
         "gate_id and station_id are required",
         lambda ch: list(transport_pb2_grpc.TransportServiceStub(ch).ListGateStatus(
             transport_pb2.ListGateStatusRequest(), timeout=5).gates)),
]


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_device_event_flows_through_the_service(case, base_env, kafka, redis_client,
                                                in_process, wait, tmp_path, signed, tail):
    # The query below lists every subject the service holds: start from an empty Redis (other
    # modules' services leave theirs in the session's Redis).
    redis_client.flushdb()
    port = free_port()
    env = {k.removeprefix("Z5G_").lower(): v for k, v in base_env.items()}
    # Records in this test's own SQLite file (never the default one a previous run left).
    env |= {"database_url": f"sqlite:///{tmp_path}/{case.name}.db"}
    env |= case.extra(tmp_path) if case.extra else {}
    serve, settings = case.serve_and_settings(env | {"grpc_port": port, "metrics_port": 0})
    producer = EventProducer(kafka.bootstrap, "test-device")
    with in_process(serve, settings):
        channel = grpc.insecure_channel(f"127.0.0.1:{port}")
        health = health_pb2_grpc.HealthStub(channel)
        wait(lambda: health.Check(health_pb2.HealthCheckRequest(), timeout=2).status
             == health_pb2.HealthCheckResponse.SERVING, 60, "service health SERVING")
        statuses = tail(case.out_topic, timeout_ms=500)
        dead = tail(f"{case.in_topic}.dlq", timeout_ms=500)
        good_id = producer.publish(case.in_topic, case.good, key="k")
        producer.publish(case.in_topic, case.bad, key="k")
        producer.flush(20)

        got = []
        wait(lambda: got.extend(m for m in statuses) or got, 30, f"event on {case.out_topic}")
        # Queried as Dr Wang of care team A (medical checks the team; the others are public).
        signed_ch = signed(f"127.0.0.1:{port}", case.name, "clinician", "dr-wang",
                           {"team": ["team-a"]})
        status_cls = type(case.query(signed_ch)[0])
        event = status_cls.FromString(got[0].value)
        assert event.meta.source == case.name
        assert event.meta.event_id and event.meta.event_id != good_id
        # The subject of the good event has one status (other modules' leftover events on the
        # same topics may add statuses of other subjects).
        key = next(f for f in ("area_id", "patient_id", "field_id", "gate_id")
                   if f in status_cls.DESCRIPTOR.fields_by_name)
        mine = [st for st in case.query(signed_ch) if getattr(st, key) == getattr(case.good, key)]
        assert len(mine) == 1, case.query(signed_ch)

        rejected = []
        wait(lambda: rejected.extend(m for m in dead) or rejected, 30, "dead letter")
        headers = dict(rejected[0].headers)
        assert headers["dlq-reason"] == b"invalid"
        assert case.bad_reason in headers["dlq-detail"].decode()
        channel.close()
    producer.close()


def test_redelivered_event_is_not_counted_twice(base_env, kafka, redis_client, in_process, wait):
    """At-least-once delivery: the same event id twice folds in once."""
    import importlib

    main = importlib.import_module("tourism.main")
    from tourism.config import TourismSettings

    port = free_port()
    env = {k.removeprefix("Z5G_").lower(): v for k, v in base_env.items()}
    settings = TourismSettings(**env, grpc_port=port, metrics_port=0)
    producer = EventProducer(kafka.bootstrap, "test-device")
    reading = tourism_pb2.EnvironmentReading(sensor_id="s9", area_id="dayang", temperature_c=20,
                                             humidity_pct=50, pm25_ug_m3=20, noise_db=45)
    from prometheus_client import REGISTRY

    labels = {"service": "tourism", "topic": "tourism.env.readings"}
    before = REGISTRY.get_sample_value("z5g_kafka_events_duplicate_total", labels) or 0.0
    with in_process(main.serve, settings):
        producer.publish("tourism.env.readings", reading, key="s9")
        resent = tourism_pb2.EnvironmentReading()
        resent.CopyFrom(reading)  # same meta.event_id
        producer.publish("tourism.env.readings", resent, key="s9")
        producer.publish("tourism.env.readings", tourism_pb2.EnvironmentReading(
            sensor_id="s9", area_id="dayang", temperature_c=21, humidity_pct=50,
            pm25_ug_m3=20, noise_db=45), key="s9")
        producer.flush(20)
        wait(lambda: redis_client.get("tourism:env:readings_total:dayang") == "2", 45,
             "two distinct readings counted")
        threading.Event().wait(2)
        assert redis_client.get("tourism:env:readings_total:dayang") == "2"
        # The registry is per process: earlier tests in it may have counted duplicates.
        skipped = (REGISTRY.get_sample_value("z5g_kafka_events_duplicate_total", labels)
                   or 0.0) - before
        assert skipped == 1, "the duplicate must be counted, not silently dropped"
    producer.close()
