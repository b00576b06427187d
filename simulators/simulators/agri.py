"""Agri demo devices: soil probes replaying real soil logs, air masts, farm machines on roads.

Soil data: Cabral, A. R. (2023), daily soil state variables of three experimental plots,
Drummondville, Québec (Zenodo 10.5281/zenodo.7948797), via Alireza-Amani/SVS_percolation (MIT);
see shared/testdata/README.md. Missing days (NaN) are sent as absent fields, as a real logger would.
One logged day per ``TICKS_PER_DAY`` ticks (a tick is 15 simulated minutes): soil moisture and
temperature move linearly from one logged day to the next, and the day's rain is spread over its
ticks, so values move as a real probe's do (issue 17: replaying a day per tick swung VWC by
0.07–0.29 within one 15-minute bucket and made the irrigation alarm flap).
Air temperature is simulated (the Québec winter would make every day a
frost): a daily cycle compressed to ``TICKS_PER_DAY`` ticks, every ``FROST_EVERY_DAYS``-th night
dipping to −3 °C on the low fields (cold air pools in the valley) and +1 °C on the hill field.
"""

from __future__ import annotations

import csv
import math
from collections import defaultdict
from collections.abc import Iterable
from datetime import datetime
from pathlib import Path

from zezhou5g.agri.v1 import agri_pb2
from zezhou5g.contracts.topics import AGRI_MACHINE_POSITIONS, AGRI_TELEMETRY
from zezhou5g.platform.paths import testdata_dir

from simulators.base import Emission

TOPIC = AGRI_TELEMETRY.name
MACHINE_TOPIC = AGRI_MACHINE_POSITIONS.name
PLOTS = {"E1": "field-e1", "E2": "field-e2", "E3": "field-e3"}
TICKS_PER_DAY = 96            # one tick = 15 simulated minutes of air temperature
FROST_EVERY_DAYS = 3
# Night minimum on a normal night and on a frost night, °C, per field (valley vs hill).
NIGHT_MIN = {"field-e1": (7.0, -3.0), "field-e2": (7.5, -2.5), "field-e3": (10.0, 1.0)}
DAY_MAX = 22.0
# Farm roads (lat, lon) each machine drives back and forth along, from its home yard.
ROADS = {
    "fan-01": [(35.5100, 112.8300), (35.5060, 112.8350), (35.5011, 112.8427)],
    "sprayer-01": [(35.4800, 112.8600), (35.4880, 112.8560), (35.4961, 112.8497)],
    "tractor-01": [(35.5050, 112.8500), (35.5120, 112.8600), (35.5190, 112.8800)],
    "drone-01": [(35.5300, 112.8700), (35.5220, 112.8830), (35.5150, 112.8900)],
}
SPEED_KMH = {"fan-01": 25.0, "sprayer-01": 30.0, "tractor-01": 30.0, "drone-01": 40.0}
SIM_SECONDS_PER_TICK = 20.0   # machines move 20 s of driving per tick


def _num(text: str | None) -> float | None:
    try:
        value = float(text or "nan")
    except ValueError:
        return None
    return None if math.isnan(value) else value


Values = dict[str, float | None]


def load_days(folder: Path) -> list[tuple[str, dict[str, Values], Values]]:
    """Per date: plot → {vwc, soil_temp} (first sensor), and the day's weather."""
    soil: dict[str, dict[str, dict[str, float | None]]] = defaultdict(dict)
    with open(folder / "state_vars_daily_20180701_20210630.csv", newline="") as fh:
        for row in csv.DictReader(fh):
            if row["Sensor"] != "First Sensor":
                continue
            key = "vwc" if row["Variable"].startswith("Soil Volumetric") else "soil_temp"
            soil[row["date"]].setdefault(row["Experimental Plot"], {})[key] = _num(row["Value"])
    weather: dict[str, dict[str, float | None]] = {}
    with open(folder / "DailyAveraged_MeteoObs.csv", newline="") as fh:
        for row in csv.DictReader(fh):
            weather[row["date"]] = {"air_temp": _num(row["Air temperature (°C)"]),
                                    "rh": _num(row["Relative humidity (%)"]),
                                    "rain": _num(row["Precipitation (mm)"])}
    days = sorted(d for d in soil if d in weather)
    return [(d, soil[d], weather[d]) for d in days]


def air_temperature(tick: int, field_id: str) -> float:
    """Simulated air temperature (°C) of ``field_id`` at ``tick``: coldest at 05:00.

    A daily cosine between the field's normal night minimum and ``DAY_MAX``; on every
    ``FROST_EVERY_DAYS``-th night a radiative-frost dip (Gaussian, σ = 4 h) takes the minimum
    down to the field's frost minimum, so the night cools and warms again smoothly.
    """
    day, slot = divmod(tick, TICKS_PER_DAY)
    normal, frost = NIGHT_MIN[field_id]
    phase = math.cos(2 * math.pi * (slot - 68) / TICKS_PER_DAY)   # minimum at slot 20 (05:00)
    temp = normal + (DAY_MAX - normal) * (phase + 1) / 2
    sigma = TICKS_PER_DAY / 6                                       # 4 hours
    for d in (day - 1, day, day + 1):
        if d >= 0 and d % FROST_EVERY_DAYS == FROST_EVERY_DAYS - 1:
            centre = d * TICKS_PER_DAY + 20
            temp -= (normal - frost) * math.exp(-(((tick - centre) / sigma) ** 2))
    return round(temp, 2)


class Machine:
    """A machine driving back and forth along its road at its speed."""

    def __init__(self, machine_id: str) -> None:
        self.id = machine_id
        self.road = ROADS[machine_id]
        self.leg = 0
        self.progress_km = 0.0
        self.direction = 1

    def step(self) -> agri_pb2.MachinePosition:
        """Drive one tick and report the fix."""
        distance = SPEED_KMH[self.id] * SIM_SECONDS_PER_TICK / 3600.0
        a, b = self.road[self.leg], self.road[self.leg + 1]
        leg_km = 111.2 * math.hypot(b[0] - a[0], (b[1] - a[1]) * math.cos(math.radians(a[0])))
        self.progress_km += distance * self.direction
        if self.progress_km > leg_km or self.progress_km < 0:
            nxt = self.leg + self.direction
            if 0 <= nxt < len(self.road) - 1:
                self.leg = nxt
                self.progress_km = 0.0 if self.direction > 0 else leg_km
            else:
                self.direction *= -1
                self.progress_km = min(max(self.progress_km, 0.0), leg_km)
            a, b = self.road[self.leg], self.road[self.leg + 1]
        f = min(max(self.progress_km / leg_km, 0.0), 1.0) if leg_km else 0.0
        return agri_pb2.MachinePosition(machine_id=self.id, lat=a[0] + (b[0] - a[0]) * f,
                                        lon=a[1] + (b[1] - a[1]) * f,
                                        speed_kmh=SPEED_KMH[self.id], fuel_pct=80.0)


class SoilReplay:
    """Soil probes (replayed logs), air masts (frost night) and machines, one tick at a time."""

    name = "agri"
    topic = TOPIC
    topics = (TOPIC, MACHINE_TOPIC)

    def __init__(self, folder: Path | None = None) -> None:
        folder = folder or testdata_dir() / "soil_quebec"
        if not folder.exists():
            raise FileNotFoundError(f"soil logs not found in {folder}: set Z5G_TESTDATA")
        self.days = load_days(folder)
        self.index = 0
        self.battery = {plot: 100.0 for plot in PLOTS}
        self.machines = [Machine(m) for m in ROADS]

    def soil(self, tick: int, plot: str) -> Values:
        """Soil values of ``plot`` at ``tick``: linear between the logged days (None if missing)."""
        day, slot = divmod(tick, TICKS_PER_DAY)
        today = self.days[day % len(self.days)][1].get(plot, {})
        tomorrow = self.days[(day + 1) % len(self.days)][1].get(plot, {})
        f = slot / TICKS_PER_DAY
        out: Values = {}
        for key in ("vwc", "soil_temp"):
            a, b = today.get(key), tomorrow.get(key)
            out[key] = None if a is None else (a if b is None else a + (b - a) * f)
        return out

    def tick(self, now: datetime) -> Iterable[Emission]:
        """Every soil probe's value this tick, an air reading per field, machine fixes."""
        tick = self.index
        _date, _plots, weather = self.days[(tick // TICKS_PER_DAY) % len(self.days)]
        self.index += 1
        for plot, field_id in PLOTS.items():
            values = self.soil(tick, plot)
            self.battery[plot] = max(5.0, self.battery[plot] - 0.01)
            reading = agri_pb2.SensorReading(device_id=f"soil-{plot.lower()}-1",
                                             field_id=field_id, battery_pct=self.battery[plot],
                                             signal_dbm=-95.0)
            if values.get("vwc") is not None:
                reading.soil_moisture_vwc = round(values["vwc"] / 100.0, 4)  # type: ignore[operator]
            if values.get("soil_temp") is not None:
                reading.soil_temp_c = round(values["soil_temp"], 2)  # type: ignore[arg-type]
            if weather["rain"] is not None:
                reading.rainfall_mm = round(weather["rain"] / TICKS_PER_DAY, 2)
            yield TOPIC, reading, reading.device_id
            mast = agri_pb2.SensorReading(device_id=f"air-{plot.lower()}-1", field_id=field_id,
                                          air_temp_c=air_temperature(tick, field_id),
                                          battery_pct=97.0, signal_dbm=-88.0)
            if weather["rh"] is not None:
                mast.air_humidity_pct = round(weather["rh"], 1)
            slot = tick % TICKS_PER_DAY
            mast.light_lux = round(max(0.0, math.sin(math.pi * (slot - 24) / 48)) * 80_000, 0)
            yield TOPIC, mast, mast.device_id
        for machine in self.machines:
            fix = machine.step()
            yield MACHINE_TOPIC, fix, fix.machine_id
