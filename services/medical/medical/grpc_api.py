"""gRPC API of the medical service."""

from __future__ import annotations

import grpc
from zezhou5g.medical.v1 import medical_pb2, medical_pb2_grpc
from zezhou5g.platform.latest import LatestStore


class MedicalApi(medical_pb2_grpc.MedicalServiceServicer):
    """``zezhou5g.medical.v1.MedicalService``."""

    def __init__(self, patients: LatestStore[medical_pb2.PatientVitals]) -> None:
        self.patients = patients

    async def GetPatientVitals(  # noqa: N802 - gRPC method name
        self, request: medical_pb2.GetPatientVitalsRequest, context: grpc.aio.ServicerContext
    ) -> medical_pb2.PatientVitals:
        """Latest vitals of one patient."""
        found = self.patients.get(request.patient_id)
        if found is None:
            await context.abort(grpc.StatusCode.NOT_FOUND,
                                f"no vitals received for patient {request.patient_id!r}")
            raise AssertionError("unreachable: abort raises")
        return found
