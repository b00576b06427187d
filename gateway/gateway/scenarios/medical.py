"""Medical as the gateway sees it: console roles, streams, devices, a clinician's stream scope."""

from __future__ import annotations

from typing import TYPE_CHECKING

from fastapi import Request
from zezhou5g.contracts import topics
from zezhou5g.medical.v1 import medical_pb2, medical_pb2_grpc

from gateway.grpc_clients import DEADLINE_S, call, service_stub
from gateway.scenarios.contract import (
    BatchIngest,
    DeviceIngest,
    Scenario,
    StreamScope,
    claim_scope,
)
from gateway.users import Role

if TYPE_CHECKING:
    from gateway.auth import Principal


def stub(request: Request) -> medical_pb2_grpc.MedicalServiceStub:
    """The medical service, called as the request's user."""
    return service_stub(request, "medical", medical_pb2_grpc.MedicalServiceStub)


def requester(principal: Principal) -> medical_pb2.Requester:
    """Who asks, for the audit log's wording (the service decides on the signed principal)."""
    return medical_pb2.Requester(user=principal.username, care_team=principal.care_team or "",
                                 role=principal.role.value)


async def audit_stream(request: Request, principal: Principal) -> None:
    """Write the opening of a live stream to the medical audit log, or refuse the stream.

    The service refuses (403) a caller who may not see patient data, such as a clinician
    without a care team; a stream whose opening cannot be audited does not open.
    """
    await call(stub(request).RecordAccess(medical_pb2.RecordAccessRequest(
        requester=requester(principal), action="open_stream",
        detail=f"team {principal.care_team or 'all'}"), timeout=DEADLINE_S), "medical")


SCENARIO = Scenario(
    name="medical",
    console_roles=frozenset({Role.CLINICIAN, Role.ADMIN}),
    # Keyed by device kind: POST /api/devices/medical/<kind>.
    devices={
        # A ward's central station (hub) delivers its monitors' sets at once: one record on
        # medical.vitals.batches per post (POST /api/devices/medical/readings:batch).
        "readings": DeviceIngest(topics.MEDICAL_VITALS, "device_id",
                                 ("wearable", "bedside_monitor"), "patient_id",
                                 batch=BatchIngest(topics.MEDICAL_VITALS_BATCHES, "hub_id",
                                                   "sets", ("ward_hub",), max_items=500)),
        # An ambulance carries whichever case it picked up: it reports about itself.
        "ambulance": DeviceIngest(topics.MEDICAL_AMBULANCE_TELEMETRY, "ambulance_id",
                                  ("ambulance",)),
    },
    # Patient status and alerts reach only the patient's care team (scope field ``care_team``);
    # the emergency department's pre-arrival board every clinician (unscoped), as
    # proto/zezhou5g/medical/v1/medical.proto declares.
    stream_scope=StreamScope(frozenset({Role.CLINICIAN}), claim_scope("team")),
    on_stream_open=audit_stream,
)
