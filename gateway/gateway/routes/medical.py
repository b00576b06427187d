"""Medical REST routes for clinicians: the service checks care teams and audits every read.

The FHIR export and facade are in :mod:`gateway.routes.fhir`.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Body, Depends, Query, Request
from zezhou5g.medical.v1 import medical_pb2

from gateway.auth import Principal, require_scenario
from gateway.grpc_clients import DEADLINE_S, as_dict, call, dicts
from gateway.openapi import CONFLICT
from gateway.scenarios.medical import requester
from gateway.scenarios.medical import stub as _stub

router = APIRouter(prefix="/api/medical", tags=["medical"])
Clinician = Annotated[Principal, Depends(require_scenario("medical"))]


@router.get("/patients")
async def list_patients(request: Request, principal: Clinician) -> list[dict[str, Any]]:
    """The signed-in clinician's patients with latest vitals, NEWS2 and open alert."""
    reply = await call(_stub(request).ListPatients(
        medical_pb2.ListPatientsRequest(requester=requester(principal)), timeout=DEADLINE_S),
        "medical")
    return dicts(list(reply.patients))


@router.get("/patients/{patient_id}")
async def get_patient(patient_id: str, request: Request, principal: Clinician,
                      minutes: Annotated[int, Query(ge=1, le=1440)] = 60) -> dict[str, Any]:
    """One patient with trend points and alert history; 403 outside the care team."""
    reply = await call(_stub(request).GetPatient(medical_pb2.GetPatientRequest(
        patient_id=patient_id, requester=requester(principal), minutes=minutes),
        timeout=DEADLINE_S), "medical")
    return as_dict(reply)


@router.get("/patients/{patient_id}/vitals")
async def patient_vitals(patient_id: str, request: Request,
                         principal: Clinician) -> dict[str, Any]:
    """Latest vitals of one patient; 403 outside the care team."""
    reply = await call(_stub(request).GetPatientVitals(medical_pb2.GetPatientVitalsRequest(
        patient_id=patient_id, requester=requester(principal)), timeout=DEADLINE_S), "medical")
    return as_dict(reply)


@router.put("/patients/{patient_id}/spo2-scale")
async def set_spo2_scale(patient_id: str, request: Request, principal: Clinician,
                         scale2: Annotated[bool, Body(embed=True)]) -> dict[str, Any]:
    """Put the patient on SpO2 scale 2 (confirmed hypercapnic failure) or back on scale 1."""
    reply = await call(_stub(request).SetSpo2Scale(medical_pb2.SetSpo2ScaleRequest(
        patient_id=patient_id, requester=requester(principal), scale2=scale2),
        timeout=DEADLINE_S), "medical")
    return as_dict(reply)


@router.get("/alerts")
async def list_alerts(request: Request, principal: Clinician,
                      open_only: bool = True) -> list[dict[str, Any]]:
    """Alerts of the clinician's patients, newest first."""
    reply = await call(_stub(request).ListAlerts(medical_pb2.ListAlertsRequest(
        requester=requester(principal), open_only=open_only), timeout=DEADLINE_S), "medical")
    return dicts(list(reply.alerts))


@router.post("/alerts/{alert_id}/ack", responses=CONFLICT)
async def acknowledge(alert_id: str, request: Request, principal: Clinician) -> dict[str, Any]:
    """Acknowledge an alert; 409 when it was already acknowledged or resolved."""
    reply = await call(_stub(request).AcknowledgeAlert(medical_pb2.AcknowledgeAlertRequest(
        alert_id=alert_id, requester=requester(principal)), timeout=DEADLINE_S), "medical")
    return as_dict(reply)


@router.get("/prearrivals")
async def prearrivals(request: Request, principal: Clinician) -> list[dict[str, Any]]:
    """Ambulances on their way to the emergency department, soonest first."""
    reply = await call(_stub(request).ListPreArrivals(medical_pb2.ListPreArrivalsRequest(
        requester=requester(principal)), timeout=DEADLINE_S), "medical")
    return dicts(list(reply.notices))


@router.get("/audit")
async def audit(request: Request, principal: Clinician,
                limit: Annotated[int, Query(ge=1, le=1000)] = 200) -> list[dict[str, Any]]:
    """Newest audit entries (administrators only)."""
    reply = await call(_stub(request).ListAudit(medical_pb2.ListAuditRequest(
        requester=requester(principal), limit=limit), timeout=DEADLINE_S), "medical")
    return dicts(list(reply.entries))
