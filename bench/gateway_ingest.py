"""Gateway device ingestion against a minimal FastAPI baseline, same broker, same machine.

Starts its own Kafka and Redis (deploy/local) on free ports, the real gateway (``python -m
gateway``: one uvicorn worker, device token check, validation, plausibility, rate limits,
metrics, the project's Kafka producer) and a minimal FastAPI app (this file with
``--baseline``: one uvicorn worker, the JSON body into the same protobuf message, one raw
kafka-python send with the same producer settings). The load comes from this process over
keep-alive HTTP/1.1 connections on loopback, on the same 2 cores.

For each app it prints: the ceiling (closed loop: ``--connections`` clients posting as fast as
answers come, req/s answered 202 over ``--seconds``, in ``--rounds`` rounds that alternate
the two apps; the ratio is the median of the rounds' ratios) and the latency p50/p99 at a
fixed offered rate (open loop, ``--rate`` req/s: requests are sent on schedule, not when the
previous answer came, so a slow server shows in the latency), and the ratio gateway / baseline.

    uv run python bench/gateway_ingest.py [--seconds 10] [--rounds 3] [--connections 32]
        [--rate 1000]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEVICE, TOKEN = "env-jueshan-gate", "tok-bench-" + os.urandom(8).hex()
PATH = "/api/devices/tourism/readings"


def _body(i: int) -> bytes:
    return json.dumps({"sensor_id": DEVICE, "area_id": "jueshan",
                       "temperature_c": 15 + i % 10, "humidity_pct": 55.5, "pm25_ug_m3": 12,
                       "noise_db": 48}).encode()


def _request(i: int) -> bytes:
    body = _body(i)
    return (f"POST {PATH} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
            f"Authorization: Bearer {TOKEN}\r\nContent-Length: {len(body)}\r\n\r\n"
            ).encode() + body


async def _one(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, i: int) -> int:
    """Send one request on a keep-alive connection; its HTTP status."""
    writer.write(_request(i))
    head = await reader.readuntil(b"\r\n\r\n")
    status = int(head.split(b" ", 2)[1])
    length = 0
    for line in head.split(b"\r\n"):
        if line.lower().startswith(b"content-length:"):
            length = int(line.split(b":", 1)[1])
    if length:
        await reader.readexactly(length)
    return status


async def _closed_loop(port: int, connections: int, seconds: float) -> tuple[float, int]:
    """Requests/s answered 202 with ``connections`` clients, and how many answers were not."""
    ok = bad = 0
    end = time.monotonic() + seconds

    async def client(c: int) -> None:
        nonlocal ok, bad
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        i = c
        while time.monotonic() < end:
            if await _one(reader, writer, i) == 202:
                ok += 1
            else:
                bad += 1
            i += connections
        writer.close()

    t0 = time.monotonic()
    await asyncio.gather(*(client(c) for c in range(connections)))
    return ok / (time.monotonic() - t0), bad


async def _open_loop(port: int, rate: float, seconds: float,
                     connections: int) -> tuple[list[float], int, int]:
    """Latencies (s) of requests offered at ``rate``/s; (latencies, non-202 answers, late)."""
    pool: asyncio.Queue[tuple[asyncio.StreamReader, asyncio.StreamWriter]] = asyncio.Queue()
    for _ in range(connections):
        pool.put_nowait(await asyncio.open_connection("127.0.0.1", port))
    latencies: list[float] = []
    bad = late = 0

    async def fire(i: int, due: float) -> None:
        nonlocal bad, late
        if pool.empty():
            late += 1  # every connection busy: this one waits, and the wait counts
        conn = await pool.get()
        try:
            if await _one(*conn, i) != 202:
                bad += 1
        finally:
            pool.put_nowait(conn)
        latencies.append(time.monotonic() - due)

    start = time.monotonic()
    tasks = []
    total = int(rate * seconds)
    for i in range(total):
        due = start + i / rate
        delay = due - time.monotonic()
        if delay > 0:
            await asyncio.sleep(delay)
        tasks.append(asyncio.create_task(fire(i, due)))
    await asyncio.gather(*tasks)
    while not pool.empty():
        pool.get_nowait()[1].close()
    return latencies, bad, late


def _pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def _wait_http(url: str, proc: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"{url} exited:\n{log.read_text()[-3000:]}")
        try:
            urllib.request.urlopen(url, timeout=2)  # noqa: S310 - loopback
            return
        except OSError:
            time.sleep(0.5)
    raise SystemExit(f"{url} did not answer:\n{log.read_text()[-3000:]}")


def baseline_app(bootstrap: str, port: int) -> None:
    """The minimal FastAPI app: JSON body → the same protobuf → one raw kafka-python send."""
    import uvicorn
    from fastapi import Body, FastAPI
    from google.protobuf import json_format
    from kafka import KafkaProducer
    from zezhou5g.contracts.topics import TOURISM_ENV_READINGS
    from zezhou5g.tourism.v1 import tourism_pb2

    producer = KafkaProducer(bootstrap_servers=bootstrap, acks="all", enable_idempotence=True,
                             linger_ms=5, batch_size=256 * 1024)
    app = FastAPI()

    @app.get("/healthz")
    async def healthz() -> dict[str, str]:
        return {"status": "ok"}

    @app.post(PATH, status_code=202)
    async def post(body: dict = Body()) -> dict[str, str]:  # type: ignore[type-arg]  # noqa: B008
        msg = json_format.ParseDict(body, tourism_pb2.EnvironmentReading())
        producer.send(TOURISM_ENV_READINGS.name, value=msg.SerializeToString(),
                      key=msg.sensor_id.encode())
        return {"status": "accepted"}

    uvicorn.run(app, host="127.0.0.1", port=port, log_config=None)


def main() -> None:
    """Run both apps, load each in turn and print the figures."""
    ap = argparse.ArgumentParser()
    ap.add_argument("--seconds", type=float, default=10.0)
    ap.add_argument("--connections", type=int, default=32)
    ap.add_argument("--rate", type=float, default=1000.0)
    ap.add_argument("--rounds", type=int, default=3,
                    help="alternating ceiling rounds; the ratio is the median of theirs")
    ap.add_argument("--baseline", nargs=2, metavar=("BOOTSTRAP", "PORT"),
                    help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.baseline:
        baseline_app(args.baseline[0], int(args.baseline[1]))
        return


    from localinfra.proc import free_port, stop_all
    from localinfra.scratch import scratch_infra
    from zezhou5g.contracts.topics import TOURISM_ENV_READINGS
    from zezhou5g.platform.kafka import ensure_topics

    procs: list[subprocess.Popen[bytes]] = []
    with scratch_infra("z5g-bench-gateway-") as (run, kafka, rds):
        try:
            ensure_topics(kafka.bootstrap, [TOURISM_ENV_READINGS.name])
            gw_port, base_port = free_port(), free_port()
            env = {k: v for k, v in os.environ.items() if not k.startswith("Z5G_")} | {
                "Z5G_ENV": "dev", "Z5G_KAFKA_BOOTSTRAP": kafka.bootstrap, "Z5G_REDIS_URL": rds.url,
                "Z5G_LOG_LEVEL": "WARNING", "Z5G_HTTP_PORT": str(gw_port),
                "Z5G_DATABASE_URL": f"sqlite:///{run}/gateway.db",
                "Z5G_SESSION_SECRET": os.urandom(24).hex(),
                "Z5G_SERVICE_PRINCIPAL_KEY": os.urandom(24).hex(),
                "Z5G_DEMO_PASSWORD": "bench-" + os.urandom(6).hex(),
                "Z5G_DEVICE_TOKENS": f"{DEVICE}={TOKEN}",
                "Z5G_PUBLIC_RATE_PER_MIN": "100000000",
                **{f"Z5G_{s.upper()}_GRPC": f"127.0.0.1:{free_port()}"
                   for s in ("tourism", "medical", "agri", "transport")}}
            logs = {"gateway": run / "gateway.log", "baseline": run / "baseline.log"}
            procs.append(subprocess.Popen([sys.executable, "-m", "gateway"], cwd=ROOT, env=env,  # noqa: S603
                                          stdout=open(logs["gateway"], "wb"),
                                          stderr=subprocess.STDOUT))
            procs.append(subprocess.Popen(  # noqa: S603
                [sys.executable, __file__, "--baseline", kafka.bootstrap, str(base_port)], cwd=ROOT,
                env=env, stdout=open(logs["baseline"], "wb"), stderr=subprocess.STDOUT))
            _wait_http(f"http://127.0.0.1:{gw_port}/healthz", procs[0], logs["gateway"])
            _wait_http(f"http://127.0.0.1:{base_port}/healthz", procs[1], logs["baseline"])
            apps = {"baseline": base_port, "gateway": gw_port}
            for port in apps.values():
                asyncio.run(_closed_loop(port, 4, 3))  # warm-up: connections, Kafka metadata
            # The ceilings alternate (b g, g b, b g, ...) and each round's ratio is taken
            # within the round: on a shared host the speed of both drifts by ±30 % over a
            # minute, which one pair measured a minute apart would read as a ratio.
            ceilings: dict[str, list[float]] = {name: [] for name in apps}
            ratios: list[float] = []
            for rnd in range(args.rounds):
                order = list(apps) if rnd % 2 == 0 else list(reversed(apps))
                for name in order:
                    ceiling, refused = asyncio.run(
                        _closed_loop(apps[name], args.connections, args.seconds))
                    if refused:
                        raise SystemExit(f"{name}: {refused} answers were not 202:\n"
                                         f"{logs[name].read_text()[-2000:]}")
                    ceilings[name].append(ceiling)
                ratios.append(ceilings["gateway"][-1] / ceilings["baseline"][-1])
            results: dict[str, dict[str, float]] = {}
            for name, port in apps.items():
                time.sleep(2)
                lat, bad, late = asyncio.run(_open_loop(port, args.rate, args.seconds,
                                                        args.connections))
                results[name] = {"p50": _pct(lat, 50), "p99": _pct(lat, 99), "bad": bad,
                                 "late": late}
            print(f"device ingestion, {PATH}, one uvicorn worker each, load generator on the same "
                  f"{os.cpu_count()} cores; load average {os.getloadavg()[0]:.1f}")
            for name, r in results.items():
                rounds = ", ".join(f"{c:,.0f}" for c in ceilings[name])
                print(f"  {name:8s} ceiling median {statistics.median(ceilings[name]):7,.0f} "
                      f"req/s (rounds: {rounds}; {args.connections} connections, "
                      f"{args.seconds:g} s each); at {args.rate:,.0f} req/s offered: p50 "
                      f"{r['p50'] * 1000:6.1f} ms, p99 {r['p99'] * 1000:6.1f} ms, non-202 "
                      f"{r['bad']:.0f}, sent late (all connections busy) {r['late']:.0f}")
            g, b = results["gateway"], results["baseline"]
            print(f"  ratio gateway / baseline: ceiling median {statistics.median(ratios):.2f} "
                  f"(rounds: {', '.join(f'{r:.2f}' for r in ratios)}); p99 at "
                  f"{args.rate:,.0f} req/s {g['p99'] / b['p99']:.2f}x the baseline's")
        finally:
            stop_all(procs)


if __name__ == "__main__":
    main()
