"""Physiologically plausible ranges of vital signs from a working sensor.

A value outside them is a device problem (a loose SpO2 probe reads 0, a detached ECG lead gives
HR 0), not a patient state: it is rejected with the reason rather than scored.
"""

RANGES = {
    "heart_rate_bpm": (20.0, 250.0),
    "resp_rate_per_min": (3.0, 70.0),
    "spo2_pct": (50.0, 100.0),
    "systolic_mmhg": (50.0, 300.0),
    "diastolic_mmhg": (20.0, 200.0),
    "temperature_c": (30.0, 45.0),
}
