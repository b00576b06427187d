"""Tourism's streams and devices, as the gateway sees them."""

from zezhou5g.contracts import topics

from gateway.scenarios.contract import DeviceIngest, status_streams

# Zone and area aggregates are public (nothing about a person); alerts are for the console
# (proto/zezhou5g/tourism/v1/*.proto say which).
STREAMS = status_streams("tourism")
# Keyed by device kind: POST /api/devices/tourism/<kind>.
DEVICES = {
    "readings": DeviceIngest(topics.TOURISM_ENV_READINGS, "sensor_id", ("env_sensor",),
                             "area_id"),
}
