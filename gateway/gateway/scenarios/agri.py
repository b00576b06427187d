"""Agri's streams and devices, as the gateway sees them."""

from zezhou5g.contracts import topics

from gateway.scenarios.contract import DeviceIngest, status_streams

# Field status is public; alarms, orders and machines are for signed-in agri users, and a
# farmer's console stream carries only their own fields' events (the scope field declared in
# proto/zezhou5g/agri/v1/agri.proto).
STREAMS = status_streams("agri")
# Keyed by device kind: POST /api/devices/agri/<kind>.
DEVICES = {
    "readings": DeviceIngest(topics.AGRI_TELEMETRY, "device_id", ("soil_probe", "air_probe"),
                             "field_id"),
    "machines": DeviceIngest(topics.AGRI_MACHINE_POSITIONS, "machine_id", ("machine",)),
}
