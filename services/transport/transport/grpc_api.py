"""gRPC API of the transport service."""

from __future__ import annotations

import grpc
from zezhou5g.platform.latest import LatestStore
from zezhou5g.transport.v1 import transport_pb2, transport_pb2_grpc


class TransportApi(transport_pb2_grpc.TransportServiceServicer):
    """``zezhou5g.transport.v1.TransportService``."""

    def __init__(self, gates: LatestStore[transport_pb2.GateStatus]) -> None:
        self.gates = gates

    async def ListGateStatus(  # noqa: N802 - gRPC method name
        self, request: transport_pb2.ListGateStatusRequest, context: grpc.aio.ServicerContext
    ) -> transport_pb2.ListGateStatusResponse:
        """Latest status of every gate that has reported."""
        return transport_pb2.ListGateStatusResponse(gates=self.gates.all())
