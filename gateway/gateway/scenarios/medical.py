"""Medical's streams and devices, as the gateway sees them."""

from zezhou5g.medical.v1 import medical_pb2

from gateway.scenarios.contract import DeviceIngest, StatusStream

STREAMS = {
    "medical.patient.status": StatusStream("medical", medical_pb2.PatientVitals, public=False,
                                           scope_field="care_team"),
    "medical.alerts": StatusStream("medical", medical_pb2.Alert, public=False,
                                   scope_field="care_team"),
    # The emergency department's board: every clinician sees the ambulances coming in.
    "medical.prearrival": StatusStream("medical", medical_pb2.PreArrivalNotice, public=False),
}
# Keyed by device kind: POST /api/devices/medical/<kind>.
DEVICES = {
    "readings": DeviceIngest("medical.vitals", medical_pb2.VitalSigns, "device_id",
                             ("wearable", "bedside_monitor"), "patient_id"),
    # An ambulance carries whichever case it picked up: it reports about itself.
    "ambulance": DeviceIngest("medical.ambulance.telemetry", medical_pb2.AmbulanceTelemetry,
                              "ambulance_id", ("ambulance",)),
}
