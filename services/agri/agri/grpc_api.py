"""gRPC API of the agri service."""

from __future__ import annotations

import grpc
from zezhou5g.agri.v1 import agri_pb2, agri_pb2_grpc
from zezhou5g.platform.latest import LatestStore


class AgriApi(agri_pb2_grpc.AgriServiceServicer):
    """``zezhou5g.agri.v1.AgriService``."""

    def __init__(self, fields: LatestStore[agri_pb2.FieldStatus]) -> None:
        self.fields = fields

    async def ListFieldStatus(  # noqa: N802 - gRPC method name
        self, request: agri_pb2.ListFieldStatusRequest, context: grpc.aio.ServicerContext
    ) -> agri_pb2.ListFieldStatusResponse:
        """Latest status of every field that has reported."""
        return agri_pb2.ListFieldStatusResponse(fields=self.fields.all())
