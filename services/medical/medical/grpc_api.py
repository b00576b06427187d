"""gRPC API of the medical service: patient data for clinicians, checked and audited.

Who asks is the gateway-signed principal verified by the runtime's interceptor (role and the
``team`` scope), never the ``requester`` field of a request, which is ignored. A clinician may
read only the patients of their own care team; an administrator reads all. Every attempt to read
or change patient data, allowed or not, is written to the audit log, and so is every RPC refused
for want of a valid principal (:meth:`MedicalApi.audit_refusal`).
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any, NoReturn

import grpc
from zezhou5g.medical.v1 import medical_pb2, medical_pb2_grpc
from zezhou5g.platform import principal as principals
from zezhou5g.platform.runtime import blocking

from medical.adapters.observation_pages import ObservationPages
from medical.adapters.patient_store import PatientStore
from medical.adapters.records import Records
from medical.app.alerting import AlertDesk, AlertNotFound
from medical.app.ambulance import AmbulanceTracker
from medical.app.fhir_export import FhirExport
from medical.app.patients import PatientRegistry
from medical.domain import fhir
from medical.domain.access import (
    Caller,
    Refusal,
    audit_log_refusal,
    may_see,
    patient_data_refusal,
)
from medical.domain.alerts import AlertError


async def _abort(context: grpc.aio.ServicerContext, code: grpc.StatusCode, text: str) -> NoReturn:
    await context.abort(code, text)
    raise AssertionError("unreachable: abort raises")


def caller() -> Caller:
    """The current RPC's verified principal (its first ``team`` scope is its care team)."""
    p = principals.current()
    teams = p.scope("team")
    return Caller(p.subject, teams[0] if teams else "", p.role)


class MedicalApi(medical_pb2_grpc.MedicalServiceServicer):
    """``zezhou5g.medical.v1.MedicalService``."""

    def __init__(self, store: PatientStore, records: Records, desk: AlertDesk,
                 ambulances: AmbulanceTracker, registry: PatientRegistry) -> None:
        self.store = store
        self.records = records
        self.desk = desk
        self.ambulances = ambulances
        self.registry = registry
        self.export = FhirExport(ObservationPages(records.engine))

    async def _audit(self, req: Caller, action: str, patient_id: str,
                     allowed: bool, detail: str = "") -> None:
        await blocking(self.records.audit, req.user or "?", req.care_team, action,
                                patient_id, allowed, detail)

    def audit_refusal(self, service: str, method: str, subject: str, code: str,
                      reason: str) -> None:
        """Runtime hook: an RPC refused for want of a valid principal goes to the audit log."""
        self.records.audit(subject, "", method.rsplit("/", 1)[-1], "*", False,
                           f"{code}: {reason}")

    async def _refuse(self, req: Caller, action: str, patient_id: str, refusal: Refusal,
                      context: grpc.aio.ServicerContext) -> NoReturn:
        """Audit a refused attempt, then refuse it (PERMISSION_DENIED, counted)."""
        await self._audit(req, action, patient_id, False, refusal.text)
        await principals.deny(context, refusal.reason, refusal.text)
        raise AssertionError("unreachable: deny raises")

    async def _requester(self, action: str, context: grpc.aio.ServicerContext) -> Caller:
        """The caller when a clinician with a care team or an administrator; else refused."""
        req = caller()
        refusal = patient_data_refusal(req)
        if refusal is not None:
            await self._refuse(req, action, "*", refusal, context)
        return req

    async def _patient(self, patient_id: str, action: str,
                       context: grpc.aio.ServicerContext) -> medical_pb2.Patient:
        """The patient if the caller may see them; audits the attempt either way."""
        req = await self._requester(action, context)
        patient = await blocking(self.store.registry, patient_id)
        if patient is None:
            await self._audit(req, action, patient_id, False, "no such patient")
            await _abort(context, grpc.StatusCode.NOT_FOUND, "no such patient")
        if not may_see(req, patient.care_team):
            await self._refuse(req, action, patient_id,
                               Refusal("scope", "this patient is not in your care team"), context)
        await self._audit(req, action, patient_id, True)
        return patient

    def _visible(self, req: Caller) -> list[medical_pb2.Patient]:
        return [p for p in self.store.all_registered() if may_see(req, p.care_team)]

    async def GetPatientVitals(  # noqa: N802 - gRPC method name
        self, request: medical_pb2.GetPatientVitalsRequest, context: grpc.aio.ServicerContext
    ) -> medical_pb2.PatientVitals:
        """Latest vitals of one patient."""
        patient = await self._patient(request.patient_id, "read_vitals", context)
        (summary,) = await blocking(self.store.summaries, [patient])
        if not summary.HasField("status"):
            await _abort(context, grpc.StatusCode.NOT_FOUND, "no vitals received yet")
        return summary.status

    async def ListPatients(  # noqa: N802
        self, request: medical_pb2.ListPatientsRequest, context: grpc.aio.ServicerContext
    ) -> medical_pb2.ListPatientsResponse:
        """The requester's patients with status and open alert."""
        req = await self._requester("list_patients", context)

        def build() -> medical_pb2.ListPatientsResponse:
            return medical_pb2.ListPatientsResponse(
                patients=self.store.summaries(self._visible(req)))

        reply = await blocking(build)
        await self._audit(req, "list_patients", "*", True,
                          f"{len(reply.patients)} patients")
        return reply

    async def GetPatient(  # noqa: N802
        self, request: medical_pb2.GetPatientRequest, context: grpc.aio.ServicerContext
    ) -> medical_pb2.PatientDetail:
        """One patient with trends and alert history."""
        patient = await self._patient(request.patient_id, "read_patient", context)
        since_us = (datetime.now(UTC) - timedelta(minutes=request.minutes or 60)).timestamp()

        def build() -> medical_pb2.PatientDetail:
            (summary,) = self.store.summaries([patient])
            detail = medical_pb2.PatientDetail(summary=summary,
                                               alerts=self.store.recent_alerts(
                                                   50, patient.patient_id))
            for point in self.store.trend(patient.patient_id):
                if point["at_us"] / 1e6 < since_us:
                    continue
                tp = detail.trend.add(news2=int(point["news2"]))
                tp.at.FromMicroseconds(int(point["at_us"]))
                for name in ("heart_rate_bpm", "resp_rate_per_min", "spo2_pct",
                             "systolic_mmhg", "temperature_c"):
                    if name in point:
                        setattr(tp, name, point[name])
            return detail

        return await blocking(build)

    async def ListAlerts(  # noqa: N802
        self, request: medical_pb2.ListAlertsRequest, context: grpc.aio.ServicerContext
    ) -> medical_pb2.ListAlertsResponse:
        """Alerts of the requester's patients, newest first."""
        req = await self._requester("list_alerts", context)

        def build() -> list[medical_pb2.Alert]:
            return [a for a in self.store.recent_alerts(500)
                    if may_see(req, a.care_team)
                    and (not request.open_only or a.state != medical_pb2.ALERT_STATE_RESOLVED)]

        alerts = await blocking(build)
        await self._audit(req, "list_alerts", "*", True, f"{len(alerts)} alerts")
        return medical_pb2.ListAlertsResponse(alerts=alerts[:200])

    async def AcknowledgeAlert(  # noqa: N802
        self, request: medical_pb2.AcknowledgeAlertRequest, context: grpc.aio.ServicerContext
    ) -> medical_pb2.Alert:
        """Acknowledge an open alert of one of the requester's patients."""
        await self._requester("ack_alert", context)
        found = await blocking(self.store.get_alert, request.alert_id)
        if found is None:
            await _abort(context, grpc.StatusCode.NOT_FOUND, "no such alert")
        await self._patient(found.patient_id, "ack_alert", context)
        try:
            return await blocking(self.desk.acknowledge, request.alert_id,
                                           caller().user)
        except AlertNotFound:
            await _abort(context, grpc.StatusCode.NOT_FOUND, "no such alert")
        except AlertError as exc:
            await _abort(context, grpc.StatusCode.FAILED_PRECONDITION, str(exc))

    async def SetSpo2Scale(  # noqa: N802
        self, request: medical_pb2.SetSpo2ScaleRequest, context: grpc.aio.ServicerContext
    ) -> medical_pb2.Patient:
        """Put a patient on SpO2 scale 2 (or back on scale 1)."""
        patient = await self._patient(request.patient_id, "set_spo2_scale", context)
        return await blocking(self.registry.set_spo2_scale, patient, request.scale2)

    async def ListPreArrivals(  # noqa: N802
        self, request: medical_pb2.ListPreArrivalsRequest, context: grpc.aio.ServicerContext
    ) -> medical_pb2.ListPreArrivalsResponse:
        """Ambulances on their way, soonest first (every clinician sees the ED board)."""
        req = await self._requester("list_prearrivals", context)
        notices = await blocking(self.ambulances.notices)
        await self._audit(req, "list_prearrivals", "*", True,
                          f"{len(notices)} ambulances")
        return medical_pb2.ListPreArrivalsResponse(notices=notices)

    def _fhir_patient(self, patient: medical_pb2.Patient) -> dict[str, Any]:
        return fhir.patient_resource(patient.patient_id, patient.name, patient.gender,
                                     patient.birth_date)

    async def ExportFhir(  # noqa: N802
        self, request: medical_pb2.ExportFhirRequest, context: grpc.aio.ServicerContext
    ) -> medical_pb2.ExportFhirResponse:
        """One page of the patient's vital-sign Observations as a FHIR R4 searchset Bundle."""
        patient = await self._patient(request.patient_id, "export_fhir", context)
        until = request.until.ToDatetime(tzinfo=UTC) if request.HasField("until") else None
        if request.HasField("since"):
            since = request.since.ToDatetime(tzinfo=UTC)
        else:
            since = (until or datetime.now(UTC)) - timedelta(minutes=request.minutes or 60)
        if until is not None and until < since:
            await _abort(context, grpc.StatusCode.INVALID_ARGUMENT, "until is before since")
        try:
            page = await blocking(self.export.page, self._fhir_patient(patient), since, until,
                                  request.count, request.cursor)
        except fhir.CursorError as exc:
            await _abort(context, grpc.StatusCode.INVALID_ARGUMENT, str(exc))
        return medical_pb2.ExportFhirResponse(
            bundle_json=json.dumps(page.bundle, ensure_ascii=False, separators=(",", ":")),
            next_cursor=page.next_cursor, total=page.total)

    async def GetFhirPatient(  # noqa: N802
        self, request: medical_pb2.GetFhirPatientRequest, context: grpc.aio.ServicerContext
    ) -> medical_pb2.FhirResource:
        """The patient as a FHIR R4 Patient resource."""
        patient = await self._patient(request.patient_id, "read_fhir_patient", context)
        return medical_pb2.FhirResource(resource_json=json.dumps(
            self._fhir_patient(patient), ensure_ascii=False))

    async def ListAudit(  # noqa: N802
        self, request: medical_pb2.ListAuditRequest, context: grpc.aio.ServicerContext
    ) -> medical_pb2.ListAuditResponse:
        """The newest audit entries (administrators only)."""
        req = caller()
        refusal = audit_log_refusal(req)
        if refusal is not None:
            await self._refuse(req, "read_audit", "*", refusal, context)
        rows = await blocking(self.records.audit_log, request.limit or 200)
        reply = medical_pb2.ListAuditResponse()
        for r in rows:
            entry = reply.entries.add(user=r.user, care_team=r.care_team, action=r.action,
                                      patient_id=r.patient_id, allowed=r.allowed,
                                      detail=r.detail)
            entry.at.FromDatetime(r.at if r.at.tzinfo else r.at.replace(tzinfo=UTC))
        return reply

    async def RecordAccess(  # noqa: N802
        self, request: medical_pb2.RecordAccessRequest, context: grpc.aio.ServicerContext
    ) -> medical_pb2.RecordAccessResponse:
        """Audit access served by the gateway (e.g. a clinician opening the live stream)."""
        req = await self._requester(request.action or "access", context)
        await self._audit(req, request.action or "access", "*", True, request.detail)
        return medical_pb2.RecordAccessResponse()
