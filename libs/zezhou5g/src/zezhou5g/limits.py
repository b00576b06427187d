"""Plausibility limits of every device-reported number, declared once per proto field.

The gateway refuses a device message with a value outside these limits (422 with the reason)
before it reaches Kafka; services may check tighter, context-dependent ranges (a soil probe's
profile, a sensor's medium) behind it. A limit is what a *working* sensor can report, in the
field's unit as documented in ``proto/``: outside it the reading is a fault or a forgery.
Values are checked in nested messages too (an ambulance's telemetry carries vital signs).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

from google.protobuf.descriptor import FieldDescriptor
from google.protobuf.message import Message

# Full proto message name → field → (lowest, highest) accepted value, in the field's unit.
LIMITS: Mapping[str, Mapping[str, tuple[float, float]]] = {
    "zezhou5g.medical.v1.VitalSigns": {
        "heart_rate_bpm": (20.0, 250.0),        # beats/min
        "resp_rate_per_min": (3.0, 70.0),       # breaths/min
        "spo2_pct": (50.0, 100.0),              # %SpO2
        "systolic_mmhg": (50.0, 300.0),         # mmHg
        "diastolic_mmhg": (20.0, 200.0),        # mmHg
        "temperature_c": (30.0, 45.0),          # °C, core
    },
    "zezhou5g.medical.v1.AmbulanceTelemetry": {
        "lat": (-90.0, 90.0), "lon": (-180.0, 180.0),   # WGS-84 degrees
        "speed_kmh": (0.0, 250.0),
    },
    "zezhou5g.agri.v1.SensorReading": {
        "soil_moisture_vwc": (0.0, 1.0),        # m³/m³: a fraction (substrates reach ~0.9)
        "soil_temp_c": (-30.0, 60.0),
        "air_temp_c": (-45.0, 55.0),
        "air_humidity_pct": (0.0, 100.0),       # % RH
        "light_lux": (0.0, 150_000.0),          # lx (full sun ~100,000)
        "battery_pct": (0.0, 100.0),
        "rainfall_mm": (0.0, 300.0),            # since the previous reading
        "signal_dbm": (-156.0, -30.0),          # RSRP, 3GPP reporting range
        "soil_moisture_khz": (0.0, 10_000.0),   # raw capacitive frequency (Tektelic Clover)
        "case_temp_c": (-45.0, 85.0),           # inside the sensor case
    },
    "zezhou5g.agri.v1.MachinePosition": {
        "lat": (-90.0, 90.0), "lon": (-180.0, 180.0),
        "speed_kmh": (0.0, 120.0),              # drones are the fastest machines
        "fuel_pct": (0.0, 100.0),
    },
    "zezhou5g.tourism.v1.EnvironmentReading": {
        "temperature_c": (-40.0, 60.0),
        "humidity_pct": (0.0, 100.0),
        "pm25_ug_m3": (0.0, 1000.0),
        "noise_db": (20.0, 140.0),              # dB(A)
    },
    "zezhou5g.transport.v1.GateHeartbeat": {
        "queue_length": (0.0, 10_000.0),        # people
    },
}


def _present(message: Message, field: Any) -> bool:  # upb or pure-Python descriptor
    if field.has_presence:
        return message.HasField(field.name)
    return True


def violations(message: Message, path: str = "", *, values: bool = True) -> list[str]:
    """One ``"field=value outside lo..hi"`` per present value outside its limit (or NaN/inf).

    Nested singular messages are checked with their own limits, named ``outer.inner``.
    ``values=False`` leaves the value out (``"field outside lo..hi"``), for answers that must
    not echo a reading (a hub's refusal lists many patients' sets).
    """
    bad: list[str] = []
    limits = LIMITS.get(message.DESCRIPTOR.full_name, {})
    for field in message.DESCRIPTOR.fields:
        name = f"{path}{field.name}"
        if field.type == FieldDescriptor.TYPE_MESSAGE:
            if not field.is_repeated and _present(message, field):
                bad.extend(violations(getattr(message, field.name), f"{name}.",
                                      values=values))
            continue
        if field.name not in limits or not _present(message, field):
            continue
        value = float(getattr(message, field.name))
        lo, hi = limits[field.name]
        if not math.isfinite(value) or not lo <= value <= hi:
            shown = f"{name}={value:g}" if values else name
            bad.append(f"{shown} outside {lo:g}..{hi:g}")
    return bad
