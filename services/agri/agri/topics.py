"""Kafka topics of the agri service and their payload types (see proto/zezhou5g/agri)."""

from zezhou5g.agri.v1 import agri_pb2

TELEMETRY = "agri.telemetry"
MACHINE_POSITIONS = "agri.machine.positions"
FIELD_STATUS = "agri.field.status"
ALARMS = "agri.alarms"
ORDERS = "agri.orders"

CONSUMES = {TELEMETRY: agri_pb2.SensorReading, MACHINE_POSITIONS: agri_pb2.MachinePosition}
PRODUCES = (FIELD_STATUS, ALARMS, ORDERS)
