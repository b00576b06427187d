"""Ranges a working field sensor can report; outside them a reading is rejected with the reason."""

RANGES = {
    "soil_moisture_vwc": (0.0, 0.6),   # m³/m³: saturated mineral soils stay below ~0.55
    "soil_temp_c": (-30.0, 60.0),
    "air_temp_c": (-45.0, 55.0),
    "air_humidity_pct": (0.0, 100.0),
    "light_lux": (0.0, 150_000.0),
    "battery_pct": (0.0, 100.0),
}
