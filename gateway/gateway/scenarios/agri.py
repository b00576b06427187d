"""Agri's streams and devices, as the gateway sees them."""

from zezhou5g.agri.v1 import agri_pb2

from gateway.scenarios.contract import DeviceIngest, StatusStream

# A farmer's console stream carries only their own fields' events (scope_field).
STREAMS = {
    "agri.field.status": StatusStream("agri", agri_pb2.FieldStatus, public=True,
                                      scope_field="field_id"),
    # Alarms name fields and devices, orders name machines: for signed-in agri users only.
    "agri.alarms": StatusStream("agri", agri_pb2.Alarm, public=False, scope_field="field_id"),
    "agri.orders": StatusStream("agri", agri_pb2.WorkOrder, public=False,
                                scope_field="field_id"),
    "agri.machine.positions": StatusStream("agri", agri_pb2.MachinePosition, public=False),
}
# Keyed by device kind: POST /api/devices/agri/<kind>.
DEVICES = {
    "readings": DeviceIngest("agri.telemetry", agri_pb2.SensorReading, "device_id",
                             ("soil_probe", "air_probe"), "field_id"),
    "machines": DeviceIngest("agri.machine.positions", agri_pb2.MachinePosition, "machine_id",
                             ("machine",)),
}
