"""gRPC API of the tourism service: translates between wire messages and the stores."""

from __future__ import annotations

import grpc
from zezhou5g.tourism.v1 import tourism_pb2, tourism_pb2_grpc

from tourism.adapters.environment_store import EnvironmentStore


class TourismApi(tourism_pb2_grpc.TourismServiceServicer):
    """``zezhou5g.tourism.v1.TourismService``."""

    def __init__(self, store: EnvironmentStore) -> None:
        self.store = store

    async def ListAreaEnvironment(  # noqa: N802 - gRPC method name
        self, request: tourism_pb2.ListAreaEnvironmentRequest, context: grpc.aio.ServicerContext
    ) -> tourism_pb2.ListAreaEnvironmentResponse:
        """Latest environment status of every area."""
        return tourism_pb2.ListAreaEnvironmentResponse(areas=self.store.areas.all())
