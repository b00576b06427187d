"""CPU per reading of the agri telemetry unit of work, in-process, on a real Redis.

What one service process spends per reading once Kafka has delivered it: ``Telemetry`` on
field-gateway records of 100 readings, each reading validated, folded into field state, run
through the rules and committed in Redis units of work, with their status and alarm events
serialised for the producer. No broker: the events are serialised and dropped, so the figure
leaves out the Kafka client's own cost (see ``agri_ingest.py`` for the whole path). The farm is
``agri_ingest.py``'s: 10 probes a field, winter wheat at flowering, one reading a probe a round.

    uv run python bench/agri_telemetry_cpu.py [--sensors 100000] [--polls 40] [--profile]
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

import redis
from agri.adapters.alarm_store import AlarmStore
from agri.adapters.field_state import FieldState
from agri.adapters.records_queue import RecordsQueue
from agri.app.telemetry import Telemetry
from agri.config import HERE
from agri.domain import farm as farmlib
from agri.domain.rules import load as load_rules
from agri_ingest import PER_FIELD, write_farm
from google.protobuf.message import Message
from localinfra.proc import free_port
from localinfra.redis import RedisServer
from zezhou5g.agri.v1 import agri_pb2
from zezhou5g.contracts.topics import AGRI_TELEMETRY_BATCHES
from zezhou5g.platform.db import make_engine
from zezhou5g.platform.events import ConsumedEvent
from zezhou5g.platform.outbox import RedisOutbox

PER_RECORD = 100
RECORDS_PER_POLL = 10


class _Serialising:
    """Stands in for the producer: pays for serialising each event, sends nothing."""

    def publish(self, topic: str, message: Message, key: str | None = None,
                on_delivered: Any = None) -> None:
        message.SerializeToString()


def polls(devices: list[str], n: int) -> list[list[ConsumedEvent]]:
    """``n`` polls of gateway records, the devices in turn (each reading a different probe)."""
    out, i = [], 0
    for _ in range(n):
        poll = []
        for r in range(RECORDS_PER_POLL):
            batch = agri_pb2.SensorReadingBatch(gateway_id=f"gw-{r}")
            batch.meta.event_id = uuid.uuid4().hex
            for _ in range(PER_RECORD):
                device = devices[i % len(devices)]
                i += 1
                reading = batch.readings.add(
                    device_id=device, field_id=device.rsplit("-", 1)[0].replace("bs-", "bf-"),
                    air_temp_c=15.0, soil_moisture_vwc=0.2)
                reading.meta.event_time.GetCurrentTime()
            poll.append(ConsumedEvent(AGRI_TELEMETRY_BATCHES.name, 0, r, batch.gateway_id, batch,
                                      batch.meta.event_id, None, 0))
        out.append(poll)
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sensors", type=int, default=100_000)
    ap.add_argument("--polls", type=int, default=40, help=f"of {RECORDS_PER_POLL} records")
    ap.add_argument("--profile", action="store_true", help="print a cProfile (slower)")
    args = ap.parse_args()
    run = Path(tempfile.mkdtemp(prefix="agri-cpu-"))
    server = RedisServer(run, free_port())
    server.start()
    try:
        client = redis.Redis.from_url(server.url, decode_responses=True)
        fields = write_farm(run / "farm.yaml", args.sensors, 15.0)
        farm = farmlib.load(run / "farm.yaml")
        telemetry = Telemetry(RedisOutbox(client, _Serialising(), "agri", {}),
                              FieldState(client), AlarmStore(make_engine(f"sqlite:///{run}/a.db")),
                              RecordsQueue(client), farm, load_rules(HERE / "rules.yaml"))
        devices = [f"{f}-{k}".replace("bf-", "bs-") for f in fields for k in range(PER_FIELD)]
        todo = polls(devices, args.polls + 1)
        telemetry.handle_batch(todo[0])            # warm up
        profile = cProfile.Profile() if args.profile else None
        cpu, wall = time.process_time(), time.perf_counter()
        if profile:
            profile.enable()
        for poll in todo[1:]:
            telemetry.handle_batch(poll)
        if profile:
            profile.disable()
        cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
        n = args.polls * RECORDS_PER_POLL * PER_RECORD
        print(f"agri telemetry, {n:,} readings in gateway records of {PER_RECORD} "
              f"({args.sensors:,} sensors): {cpu / n * 1e6:.0f} µs CPU and "
              f"{wall / n * 1e6:.0f} µs wall per reading → {n / wall:,.0f} readings/s in one "
              f"thread; load average {os.getloadavg()[0]:.1f}")
        if profile:
            pstats.Stats(profile).sort_stats("tottime").print_stats(25)
    finally:
        server.stop()


if __name__ == "__main__":
    main()
