"""ServiceRuntime: health follows dependency outages, `every` loops, `blocking` off the loop."""

from __future__ import annotations

import asyncio
import threading
import time
import uuid

import grpc
import redis as redis_lib
from grpc_health.v1 import health_pb2, health_pb2_grpc
from localinfra import RedisServer
from localinfra.proc import free_port
from zezhou5g.platform.kafka import EventProducer, ensure_topics
from zezhou5g.platform.runtime import ServiceRuntime, blocking
from zezhou5g.platform.settings import ServiceSettings
from zezhou5g.tourism.v1 import tourism_pb2

KEY = "k" * 48


def test_blocking_runs_off_the_event_loop_with_the_callers_context():
    import contextvars

    var: contextvars.ContextVar[str] = contextvars.ContextVar("var", default="unset")

    async def main() -> tuple[str, str, float]:
        var.set("caller")
        loop_thread = threading.current_thread().name

        def slow() -> tuple[str, str]:
            time.sleep(0.3)
            return threading.current_thread().name, var.get()

        started = time.perf_counter()
        ticks = 0

        async def tick() -> None:
            nonlocal ticks
            while True:
                await asyncio.sleep(0.01)
                ticks += 1

        ticker = asyncio.create_task(tick())
        name, seen = await blocking(slow)
        ticker.cancel()
        assert ticks > 10, "the event loop kept running while the call blocked"
        return loop_thread, f"{name}|{seen}", time.perf_counter() - started

    loop_thread, result, _ = asyncio.run(main())
    name, seen = result.split("|")
    assert name != loop_thread and name.startswith("rpc-blocking")
    assert seen == "caller"


def test_health_is_not_serving_while_a_dependency_is_away(kafka, run_dir):
    server = RedisServer(run_dir / f"rt-{uuid.uuid4().hex[:6]}", free_port())
    server.start()
    client = redis_lib.Redis.from_url(server.url, socket_timeout=1, socket_connect_timeout=1)
    topic = f"rt-{uuid.uuid4().hex[:8]}"
    ensure_topics(kafka.bootstrap, [topic])
    port = free_port()
    settings = ServiceSettings(kafka_bootstrap=kafka.bootstrap, redis_url=server.url,
                               grpc_port=port, metrics_port=0,
                               service_principal_key=KEY)  # type: ignore[arg-type]
    runtime = ServiceRuntime("rt", settings)
    handled: list[str] = []
    rounds: list[float] = []
    runtime.add_consumer({topic: tourism_pb2.EnvironmentReading},
                         lambda e: (client.incr("n"), handled.append(e.event_id)))
    runtime.every(0.2, lambda: rounds.append(time.monotonic()), "tick")
    stop: asyncio.Event | None = None
    loop: asyncio.AbstractEventLoop | None = None

    def run() -> None:
        nonlocal stop, loop

        async def main() -> None:
            nonlocal stop, loop
            stop, loop = asyncio.Event(), asyncio.get_running_loop()
            await runtime.run(lambda s: [], stop)

        asyncio.run(main())

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    channel = grpc.insecure_channel(f"127.0.0.1:{port}")
    health = health_pb2_grpc.HealthStub(channel)

    def status() -> int:
        try:
            return health.Check(health_pb2.HealthCheckRequest(), timeout=2).status
        except grpc.RpcError:
            return -1

    def wait(cond, timeout: float, what: str) -> None:
        deadline = time.monotonic() + timeout
        while not cond():
            assert time.monotonic() < deadline, what
            time.sleep(0.1)

    serving = health_pb2.HealthCheckResponse.SERVING
    wait(lambda: status() == serving, 60, "SERVING at start")
    producer = EventProducer(kafka.bootstrap, "t")
    try:
        server.stop()
        producer.publish(topic, tourism_pb2.EnvironmentReading(sensor_id="s", area_id="a"),
                         key="a")
        producer.flush(20)
        wait(lambda: status() == health_pb2.HealthCheckResponse.NOT_SERVING, 20,
             "NOT_SERVING while Redis is away")
        assert handled == []
        server.start()
        wait(lambda: status() == serving and handled, 30, "SERVING again, event handled")
        assert len(handled) == 1
        wait(lambda: len(rounds) >= 3, 10, "the background loop ran")
    finally:
        assert loop is not None and stop is not None
        loop.call_soon_threadsafe(stop.set)
        thread.join(30)
        producer.close()
        channel.close()
        server.stop()
