"""Transport as the gateway sees it: console roles, streams, devices; the public gate view."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime
from typing import Any

from fastapi import Request
from zezhou5g.contracts import topics
from zezhou5g.transport.v1 import transport_pb2, transport_pb2_grpc

from gateway.grpc_clients import DEADLINE_S, call, dicts, service_stub
from gateway.scenarios.contract import DeviceIngest, Scenario
from gateway.users import Role


def stub(request: Request) -> transport_pb2_grpc.TransportServiceStub:
    """The transport service, called as the request's user."""
    return service_stub(request, "transport", transport_pb2_grpc.TransportServiceStub)


async def public_summary(request: Request) -> Any:
    """What the public overview shows of the station gates (no personal data)."""
    reply = await call(stub(request).ListGateStatus(
        transport_pb2.ListGateStatusRequest(), timeout=DEADLINE_S), "transport")
    return dicts(list(reply.gates))


SCENARIO = Scenario(
    name="transport",
    console_roles=frozenset({Role.STATION_OPERATOR, Role.ADMIN}),
    # Keyed by device kind: POST /api/devices/transport/<kind>.
    devices={
        # A gate camera's id is its gate's; its subject is the gate's station.
        "readings": DeviceIngest(topics.TRANSPORT_GATE_HEARTBEATS, "gate_id", ("gate_camera",),
                                 "station_id"),
    },
    # Gate status is public; decisions and payments carry a pseudonymous passenger reference,
    # for station staff only (proto/zezhou5g/transport/v1/transport.proto says which).
    public_summary=public_summary,
)

# ---------------------------------------------------------------- public gate page

# Seconds per passenger at one gate, by lane: a face passage (step up, challenge of ~3.5 s,
# decision, walk through) and a staffed QR + ID check. Rough figures for an estimate shown
# as "about N min", not a promise.
SECONDS_PER_PASSENGER = {"face": 8.0, "qr_id": 30.0}
# A gate silent for longer than this is shown as not reporting (closed), not as open.
STALE_AFTER_S = 60.0
LANES = {"online": ["face", "qr_id"], "degraded": ["qr_id"]}
MANIFEST_FIELDS = ("ticket_id", "trip_id", "seat", "departure", "station_id", "fare_fen",
                   "passenger_name", "id_number", "phone")


def public_gate_view(gates: list[transport_pb2.GateStatus], retention_h: float,
                     now: datetime) -> dict[str, Any]:
    """Per station: gates, which lanes are open, queue and wait estimate (no personal data).

    Args:
        gates: latest status of every gate that has reported.
        retention_h: hours after departure until face data is purged.
        now: UTC time of the answer.

    Returns:
        ``{"as_of", "retention_h", "stations": [{"station_id", "gates_open", "wait_s",
        "gates": [{"gate_id", "state", "open", "lanes", "queue_length", "wait_s",
        "updated"}]}]}``; ``wait_s`` is seconds (None when no gate is open).
    """
    stations: dict[str, list[dict[str, Any]]] = {}
    for g in sorted(gates, key=lambda g: g.gate_id):
        updated = g.meta.event_time.ToDatetime(tzinfo=UTC) if g.meta.HasField("event_time") \
            else None
        fresh = updated is not None and (now - updated).total_seconds() <= STALE_AFTER_S
        lanes = LANES.get(g.state, []) if fresh else []
        per = min((SECONDS_PER_PASSENGER[lane] for lane in lanes), default=None)
        stations.setdefault(g.station_id, []).append({
            "gate_id": g.gate_id, "state": g.state if fresh else "stale", "open": bool(lanes),
            "lanes": lanes, "queue_length": g.queue_length,
            "wait_s": None if per is None else round(g.queue_length * per),
            "updated": updated.isoformat() if updated else None})
    out = []
    for station, rows in sorted(stations.items()):
        waits = [r["wait_s"] for r in rows if r["wait_s"] is not None]
        out.append({"station_id": station, "gates": rows,
                    "gates_open": sum(r["open"] for r in rows),
                    "wait_s": min(waits) if waits else None})
    return {"as_of": now.isoformat(), "retention_h": retention_h, "stations": out}


def parse_manifest_csv(text: str) -> list[dict[str, str]]:
    """Rows of a manifest CSV (header row with :data:`MANIFEST_FIELDS`); ValueError if not."""
    reader = csv.DictReader(io.StringIO(text))
    missing = [f for f in ("ticket_id", "trip_id", "departure", "station_id", "id_number",
                           "phone") if f not in (reader.fieldnames or [])]
    if missing:
        raise ValueError(f"CSV header lacks {', '.join(missing)}")
    return [{k: (v or "").strip() for k, v in row.items() if k in MANIFEST_FIELDS}
            for row in reader]
