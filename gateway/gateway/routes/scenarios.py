"""Starting state for the consoles and the public page, asked of the services over gRPC."""

from __future__ import annotations

import asyncio
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from google.protobuf import json_format
from google.protobuf.message import Message
from zezhou5g.agri.v1 import agri_pb2, agri_pb2_grpc
from zezhou5g.medical.v1 import medical_pb2, medical_pb2_grpc
from zezhou5g.tourism.v1 import tourism_pb2, tourism_pb2_grpc
from zezhou5g.transport.v1 import transport_pb2, transport_pb2_grpc

from gateway.auth import Principal, require_scenario
from gateway.grpc_clients import DEADLINE_S, call
from gateway.ratelimit import public_limit

router = APIRouter(tags=["scenarios"])


def _dicts(messages: list[Message]) -> list[dict[str, Any]]:
    return [json_format.MessageToDict(m, preserving_proto_field_name=True) for m in messages]


async def _areas(request: Request) -> list[dict[str, Any]]:
    stub = tourism_pb2_grpc.TourismServiceStub(request.app.state.channels["tourism"])
    reply = await call(stub.ListAreaEnvironment(tourism_pb2.ListAreaEnvironmentRequest(),
                                                timeout=DEADLINE_S), "tourism")
    return _dicts(list(reply.areas))


async def _fields(request: Request) -> list[dict[str, Any]]:
    stub = agri_pb2_grpc.AgriServiceStub(request.app.state.channels["agri"])
    reply = await call(stub.ListFieldStatus(agri_pb2.ListFieldStatusRequest(),
                                            timeout=DEADLINE_S), "agri")
    return _dicts(list(reply.fields))


async def _gates(request: Request) -> list[dict[str, Any]]:
    stub = transport_pb2_grpc.TransportServiceStub(request.app.state.channels["transport"])
    reply = await call(stub.ListGateStatus(transport_pb2.ListGateStatusRequest(),
                                           timeout=DEADLINE_S), "transport")
    return _dicts(list(reply.gates))


@router.get("/api/public/overview", dependencies=[Depends(public_limit)])
async def public_overview(request: Request) -> dict[str, Any]:
    """What the experience-zone page shows first: areas, gates and fields, no personal data."""
    areas, gates, fields = await asyncio.gather(_areas(request), _gates(request),
                                                _fields(request))
    return {"tourism": areas, "transport": gates, "agri": fields}


@router.get("/api/tourism/environment")
async def tourism_environment(
    request: Request, _: Annotated[Principal, Depends(require_scenario("tourism"))]
) -> list[dict[str, Any]]:
    """Environment status of every area."""
    return await _areas(request)


@router.get("/api/agri/fields")
async def agri_fields(
    request: Request, _: Annotated[Principal, Depends(require_scenario("agri"))]
) -> list[dict[str, Any]]:
    """Latest readings of every field."""
    return await _fields(request)


@router.get("/api/transport/gates")
async def transport_gates(
    request: Request, _: Annotated[Principal, Depends(require_scenario("transport"))]
) -> list[dict[str, Any]]:
    """State of every gate."""
    return await _gates(request)


@router.get("/api/medical/patients/{patient_id}/vitals")
async def patient_vitals(
    patient_id: str, request: Request,
    _: Annotated[Principal, Depends(require_scenario("medical"))],
) -> dict[str, Any]:
    """Latest vitals of one patient."""
    stub = medical_pb2_grpc.MedicalServiceStub(request.app.state.channels["medical"])
    reply = await call(stub.GetPatientVitals(
        medical_pb2.GetPatientVitalsRequest(patient_id=patient_id), timeout=DEADLINE_S),
        "medical")
    return json_format.MessageToDict(reply, preserving_proto_field_name=True)
