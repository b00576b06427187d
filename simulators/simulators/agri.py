"""Field sensors replaying real daily soil logs, one logged day per tick.

Data: Cabral, A. R. (2023), daily soil state variables of three experimental plots,
Drummondville, Québec (Zenodo 10.5281/zenodo.7948797), via Alireza-Amani/SVS_percolation (MIT);
see shared/testdata/README.md. Missing days (NaN) are sent as absent fields, as a real logger would.
"""

from __future__ import annotations

import csv
import math
from collections import defaultdict
from collections.abc import Iterable
from datetime import datetime
from pathlib import Path

from zezhou5g.agri.v1 import agri_pb2
from zezhou5g.platform.paths import testdata_dir

from simulators.base import Emission

TOPIC = "agri.telemetry"
PLOTS = {"E1": "field-e1", "E2": "field-e2", "E3": "field-e3"}


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
                                    "rh": _num(row["Relative humidity (%)"])}
    days = sorted(d for d in soil if d in weather)
    return [(d, soil[d], weather[d]) for d in days]


class SoilReplay:
    """One reading per plot per tick, stepping through the logged days in order (looping)."""

    name = "agri"
    topic = TOPIC

    def __init__(self, folder: Path | None = None) -> None:
        folder = folder or testdata_dir() / "soil_quebec"
        if not folder.exists():
            raise FileNotFoundError(f"soil logs not found in {folder}: set Z5G_TESTDATA")
        self.days = load_days(folder)
        self.index = 0
        self.battery = {plot: 100.0 for plot in PLOTS}

    def tick(self, now: datetime) -> Iterable[Emission]:
        """The next logged day, for every plot."""
        date, plots, weather = self.days[self.index % len(self.days)]
        self.index += 1
        for plot, field_id in PLOTS.items():
            values = plots.get(plot, {})
            self.battery[plot] = max(5.0, self.battery[plot] - 0.01)
            reading = agri_pb2.SensorReading(device_id=f"soil-{plot.lower()}-1",
                                             field_id=field_id, battery_pct=self.battery[plot])
            if values.get("vwc") is not None:
                reading.soil_moisture_vwc = round(values["vwc"] / 100.0, 4)  # type: ignore[operator]
            if values.get("soil_temp") is not None:
                reading.soil_temp_c = round(values["soil_temp"], 2)  # type: ignore[arg-type]
            if weather["air_temp"] is not None:
                reading.air_temp_c = round(weather["air_temp"], 2)
            if weather["rh"] is not None:
                reading.air_humidity_pct = round(weather["rh"], 1)
            yield TOPIC, reading, reading.device_id
