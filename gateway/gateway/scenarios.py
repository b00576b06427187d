"""What the gateway knows of each scenario's contracts: streams, device ingestion, public data."""

from __future__ import annotations

from dataclasses import dataclass

from google.protobuf.message import Message
from zezhou5g.agri.v1 import agri_pb2
from zezhou5g.medical.v1 import medical_pb2
from zezhou5g.tourism.v1 import tourism_pb2
from zezhou5g.transport.v1 import transport_pb2


@dataclass(frozen=True)
class StatusStream:
    """A Kafka topic of status events streamed to browsers."""

    scenario: str
    message: type[Message]
    # Public streams carry no personal data and are open without sign-in.
    public: bool


@dataclass(frozen=True)
class DeviceIngest:
    """Where a device of a scenario posts its readings, and which field names the device."""

    topic: str
    message: type[Message]
    device_field: str


STATUS_STREAMS: dict[str, StatusStream] = {
    "tourism.env.status": StatusStream("tourism", tourism_pb2.AreaEnvironment, public=True),
    "medical.patient.status": StatusStream("medical", medical_pb2.PatientVitals, public=False),
    "agri.field.status": StatusStream("agri", agri_pb2.FieldStatus, public=True),
    "transport.gate.status": StatusStream("transport", transport_pb2.GateStatus, public=True),
}

DEVICE_INGEST: dict[str, DeviceIngest] = {
    "tourism": DeviceIngest("tourism.env.readings", tourism_pb2.EnvironmentReading, "sensor_id"),
    "medical": DeviceIngest("medical.vitals", medical_pb2.VitalSigns, "device_id"),
    "agri": DeviceIngest("agri.telemetry", agri_pb2.SensorReading, "device_id"),
    "transport": DeviceIngest("transport.gate.heartbeats", transport_pb2.GateHeartbeat,
                              "gate_id"),
}

SCENARIOS = ("tourism", "medical", "agri", "transport")
