"""Agri as the gateway sees it: console roles, streams, devices, a farmer's stream scope."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from fastapi import Request
from zezhou5g.agri.v1 import agri_pb2, agri_pb2_grpc
from zezhou5g.contracts import topics

from gateway.grpc_clients import DEADLINE_S, call, dicts, service_stub
from gateway.scenarios.contract import BatchIngest, DeviceIngest, Scenario, StreamScope
from gateway.users import Role

if TYPE_CHECKING:
    from gateway.auth import Principal


def stub(request: Request) -> agri_pb2_grpc.AgriServiceStub:
    """The agri service, called as the request's user."""
    return service_stub(request, "agri", agri_pb2_grpc.AgriServiceStub)


async def visible_fields(request: Request, _: Principal) -> frozenset[str]:
    """Ids of the fields the agri service shows the caller (a farmer: the ones they own)."""
    reply = await call(stub(request).ListFields(agri_pb2.ListFieldsRequest(),
                                                timeout=DEADLINE_S), "agri")
    return frozenset(f.id for f in reply.fields)


async def public_summary(request: Request) -> Any:
    """What the public overview shows of agriculture: each field's latest status."""
    reply = await call(stub(request).ListFieldStatus(
        agri_pb2.ListFieldStatusRequest(), timeout=DEADLINE_S), "agri")
    return dicts(list(reply.fields))


SCENARIO = Scenario(
    name="agri",
    console_roles=frozenset({Role.FARMER, Role.AGRI_BUREAU, Role.ADMIN}),
    # Keyed by device kind: POST /api/devices/agri/<kind>.
    devices={
        # A field gateway (a LoRaWAN network server, a farm's 5G CPE) posts its probes'
        # readings in one batch: POST /api/devices/agri/readings:batch.
        "readings": DeviceIngest(topics.AGRI_TELEMETRY, "device_id", ("soil_probe", "air_probe"),
                                 "field_id",
                                 BatchIngest(topics.AGRI_TELEMETRY_BATCHES, "gateway_id",
                                             "readings", ("field_gateway",), max_items=500)),
        "machines": DeviceIngest(topics.AGRI_MACHINE_POSITIONS, "machine_id", ("machine",)),
    },
    # Field status is public; alarms, orders and machines are for the console, and a farmer's
    # stream carries only the events of their own fields (scope field ``field_id``, declared in
    # proto/zezhou5g/agri/v1/agri.proto).
    stream_scope=StreamScope(frozenset({Role.FARMER}), visible_fields),
    public_summary=public_summary,
)
