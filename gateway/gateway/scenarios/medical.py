"""Medical's streams and devices, as the gateway sees them."""

from zezhou5g.contracts import topics

from gateway.scenarios.contract import DeviceIngest, status_streams

# Patient status and alerts go to the patient's care team only; the emergency department's
# pre-arrival board to every clinician (proto/zezhou5g/medical/v1/medical.proto says which).
STREAMS = status_streams("medical")
# Keyed by device kind: POST /api/devices/medical/<kind>.
DEVICES = {
    "readings": DeviceIngest(topics.MEDICAL_VITALS, "device_id",
                             ("wearable", "bedside_monitor"), "patient_id"),
    # An ambulance carries whichever case it picked up: it reports about itself.
    "ambulance": DeviceIngest(topics.MEDICAL_AMBULANCE_TELEMETRY, "ambulance_id",
                              ("ambulance",)),
}
