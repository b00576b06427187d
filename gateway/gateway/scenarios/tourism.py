"""Tourism as the gateway sees it: console roles, streams, devices, the public summary."""

from __future__ import annotations

from typing import Any

from fastapi import Request
from zezhou5g.contracts import topics
from zezhou5g.tourism.v1 import tourism_pb2, tourism_pb2_grpc

from gateway.grpc_clients import DEADLINE_S, call, dicts, service_stub
from gateway.scenarios.contract import DeviceIngest, Scenario
from gateway.users import Role


def stub(request: Request) -> tourism_pb2_grpc.TourismServiceStub:
    """The tourism service, called as the request's user."""
    return service_stub(request, "tourism", tourism_pb2_grpc.TourismServiceStub)


async def public_summary(request: Request) -> Any:
    """What the public overview shows of tourism (no personal data): environment per area."""
    reply = await call(stub(request).ListAreaEnvironment(
        tourism_pb2.ListAreaEnvironmentRequest(), timeout=DEADLINE_S), "tourism")
    return dicts(list(reply.areas))


SCENARIO = Scenario(
    name="tourism",
    console_roles=frozenset({Role.SCENIC_OPERATOR, Role.ADMIN}),
    # Keyed by device kind: POST /api/devices/tourism/<kind>.
    devices={
        "readings": DeviceIngest(topics.TOURISM_ENV_READINGS, "sensor_id", ("env_sensor",),
                                 "area_id"),
    },
    # Zone and area aggregates are public (nothing about a person); alerts are for the console,
    # county-wide: operators compare both areas (proto/zezhou5g/tourism/v1/*.proto say which).
    public_summary=public_summary,
)
