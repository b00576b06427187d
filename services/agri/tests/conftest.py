"""Fixtures of the agri service tests: the service in-process against the session's Kafka/Redis."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import grpc
import pytest
import yaml
from agri.config import HERE, AgriSettings
from agri.main import serve
from grpc_health.v1 import health_pb2, health_pb2_grpc
from localinfra.proc import free_port
from zezhou5g.agri.v1 import agri_pb2, agri_pb2_grpc
from zezhou5g.platform.kafka import EventProducer

# Compressed time: probes every 1 s (silent after 3 s), machines every 1 s (silent after 3 s).
PROBE_INTERVAL_S = 1.0
MACHINE_INTERVAL_S = 1.0


@pytest.fixture
def farm_file(tmp_path: Path) -> Path:
    doc = yaml.safe_load((HERE / "farm.yaml").read_text())
    for p in doc["profiles"].values():
        p["interval_s"] = PROBE_INTERVAL_S
    for m in doc["machines"].values():
        m["interval_s"] = MACHINE_INTERVAL_S
    path = tmp_path / "farm.yaml"
    path.write_text(yaml.safe_dump(doc, allow_unicode=True))
    return path


@pytest.fixture
def rules_file() -> Path:
    """The bureau's rule file the service runs (a module may give its own)."""
    return HERE / "rules.yaml"


@pytest.fixture
def agri_service(base_env, redis_client, in_process, wait, farm_file, rules_file, tmp_path,
                 signed) -> Iterator[dict[str, object]]:
    port = free_port()
    env = {k.removeprefix("Z5G_").lower(): v for k, v in base_env.items()}
    db = tmp_path / "agri.db"
    settings = AgriSettings(**env, grpc_port=port, metrics_port=0,
                            database_url=f"sqlite:///{db}", agri_farm_file=farm_file,
                            agri_rules_file=rules_file, agri_tick_s=0.25)
    with in_process(serve, settings):
        channel = grpc.insecure_channel(f"127.0.0.1:{port}")
        health = health_pb2_grpc.HealthStub(channel)
        wait(lambda: health.Check(health_pb2.HealthCheckRequest(), timeout=2).status
             == health_pb2.HealthCheckResponse.SERVING, 60, "agri health SERVING")
        # The county bureau's principal, as the gateway would sign it for agri-bureau.
        bureau = signed(f"127.0.0.1:{port}", "agri", "agri_bureau", "agri-bureau")
        yield {"stub": agri_pb2_grpc.AgriServiceStub(bureau), "db": db, "port": port}
        channel.close()


@pytest.fixture
def producer(kafka) -> Iterator[EventProducer]:
    p = EventProducer(kafka.bootstrap, "agri-test-device")
    yield p
    p.close()


class Machines:
    """Publishes machine fixes every 0.5 s from a thread; a machine can be silenced."""

    def __init__(self, producer: EventProducer, where: dict[str, tuple[float, float]]) -> None:
        self.producer = producer
        self.where = dict(where)
        self.muted: set[str] = set()
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self.stop.is_set():
            for mid, (lat, lon) in list(self.where.items()):
                if mid not in self.muted:
                    self.producer.publish("agri.machine.positions", agri_pb2.MachinePosition(
                        machine_id=mid, lat=lat, lon=lon, speed_kmh=0.0), key=mid)
            self.stop.wait(0.5)


@pytest.fixture
def machines(producer) -> Iterator[Callable[[dict[str, tuple[float, float]]], Machines]]:
    started: list[Machines] = []

    def start(where: dict[str, tuple[float, float]]) -> Machines:
        m = Machines(producer, where)
        m.thread.start()
        started.append(m)
        return m

    yield start
    for m in started:
        m.stop.set()
        m.thread.join(5)
