"""Medical REST routes for clinicians."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from google.protobuf import json_format
from zezhou5g.medical.v1 import medical_pb2, medical_pb2_grpc

from gateway.auth import Principal, require_scenario
from gateway.grpc_clients import DEADLINE_S, call

router = APIRouter(tags=["medical"])


def _stub(request: Request) -> medical_pb2_grpc.MedicalServiceStub:
    return medical_pb2_grpc.MedicalServiceStub(request.app.state.channels["medical"])


@router.get("/api/medical/patients/{patient_id}/vitals")
async def patient_vitals(
    patient_id: str, request: Request,
    _: Annotated[Principal, Depends(require_scenario("medical"))],
) -> dict[str, Any]:
    """Latest vitals of one patient."""
    reply = await call(_stub(request).GetPatientVitals(
        medical_pb2.GetPatientVitalsRequest(patient_id=patient_id), timeout=DEADLINE_S),
        "medical")
    return json_format.MessageToDict(reply, preserving_proto_field_name=True)
