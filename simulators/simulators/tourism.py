"""Environment sensors at Jueshan and Dayang with a daily cycle (local time, UTC+8)."""

from __future__ import annotations

import math
import random
from collections.abc import Iterable
from datetime import datetime, timedelta

from zezhou5g.contracts.topics import TOURISM_ENV_READINGS
from zezhou5g.tourism.v1 import tourism_pb2

from simulators.base import Emission

TOPIC = TOURISM_ENV_READINGS.name
SENSORS = {  # sensor id → (area, baseline temperature offset °C, visitor noise weight)
    "env-jueshan-summit": ("jueshan", -3.0, 0.6),
    "env-jueshan-gate": ("jueshan", 0.0, 1.0),
    "env-dayang-street": ("dayang", 0.5, 1.2),
    "env-dayang-square": ("dayang", 0.0, 1.0),
}


class EnvironmentSensors:
    """Temperature peaks mid-afternoon, humidity the other way round; noise follows visitors."""

    name = "tourism"
    topic = TOPIC

    def __init__(self, seed: int = 7) -> None:
        self.rng = random.Random(seed)
        self.pm25 = {s: 30.0 for s in SENSORS}

    def tick(self, now: datetime) -> Iterable[Emission]:
        """One reading per sensor."""
        local = now + timedelta(hours=8)
        hour = local.hour + local.minute / 60 + local.second / 3600
        daily = math.cos((hour - 15) / 24 * 2 * math.pi)  # +1 at 15:00, −1 at 03:00
        open_hours = 1.0 if 8 <= hour < 18 else 0.2
        for sensor, (area, offset, noise_w) in SENSORS.items():
            temp = 18 + offset + 7 * daily + self.rng.gauss(0, 0.3)
            humidity = min(98.0, max(20.0, 60 - 20 * daily + self.rng.gauss(0, 2)))
            self.pm25[sensor] = min(300.0, max(3.0, self.pm25[sensor] + self.rng.gauss(0, 2)))
            noise = 38 + 18 * open_hours * noise_w + self.rng.gauss(0, 2)
            yield TOPIC, tourism_pb2.EnvironmentReading(
                sensor_id=sensor, area_id=area, temperature_c=round(temp, 2),
                humidity_pct=round(humidity, 1), pm25_ug_m3=round(self.pm25[sensor], 1),
                noise_db=round(noise, 1)), sensor
