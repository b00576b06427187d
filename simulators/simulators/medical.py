"""The demo cohort of the county medical group, and ambulances on their way in.

Ten monitored patients (the service's cohort.json): most stable, p-1003 deteriorating slowly
(sepsis-like), p-1007 with COPD on SpO2 scale 2 (88-92 % target, on oxygen) who worsens later.
Three ambulances drive towards Zezhou County People's Hospital from around the county, their
patients' vitals on board; the route is time-compressed so an ETA visibly counts down.

The first three patients' devices are attached to the ward's monitor hub ``hub-ward-1`` (as in
the gateway's devices.json): their sets arrive as one ``VitalSignsBatch`` per tick on
``medical.vitals.batches``, the way a bedside-monitor central station delivers them.
"""

from __future__ import annotations

import math
import random
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from zezhou5g.contracts.topics import (
    MEDICAL_AMBULANCE_TELEMETRY,
    MEDICAL_VITALS,
    MEDICAL_VITALS_BATCHES,
)
from zezhou5g.medical.v1 import medical_pb2

from simulators.base import Emission

TOPIC = MEDICAL_VITALS.name
HUB_TOPIC = MEDICAL_VITALS_BATCHES.name
# The ward hub and the devices it delivers for (gateway/gateway/devices.json).
HUB = "hub-ward-1"
HUB_DEVICES = frozenset({"wear-1001", "wear-1002", "bed-2003"})
AMBULANCE_TOPIC = MEDICAL_AMBULANCE_TELEMETRY.name
HOSPITAL = (35.5012, 112.8395)  # approximate; the service holds the same point
# The demo's clock runs this many times faster for ambulances (a 20-min trip takes 2 min).
ROUTE_SPEEDUP = 10.0


@dataclass
class Patient:
    """Baseline vitals of one simulated patient and how fast they worsen (per tick)."""

    patient_id: str
    device_id: str
    hr: float
    rr: float
    spo2: float
    sbp: float
    temp: float
    drift: float = 0.0
    on_oxygen: bool = False
    seq: int = 0


@dataclass
class Ambulance:
    """An ambulance driving a case from ``origin`` to the hospital."""

    ambulance_id: str
    case_id: str
    origin: tuple[float, float]
    speed_kmh: float
    progress: float = 0.0  # 0 at the origin, 1 at the hospital
    wait: int = 0


class Wearables:
    """Vitals from wearables and bedside monitors, and ambulance telemetry."""

    name = "medical"
    topic = TOPIC
    topics = (TOPIC, HUB_TOPIC, AMBULANCE_TOPIC)

    def __init__(self, seed: int = 11, interval_s: float = 1.0) -> None:
        self.rng = random.Random(seed)
        self.interval_s = interval_s
        self.patients = [
            Patient("p-1001", "wear-1001", 72, 14, 97, 124, 36.7),
            Patient("p-1002", "wear-1002", 80, 16, 95, 138, 36.9),
            Patient("p-1003", "bed-2003", 88, 18, 96, 112, 37.4, drift=0.004),
            Patient("p-1004", "wear-1004", 64, 12, 98, 118, 36.5),
            Patient("p-1005", "wear-1005", 76, 15, 97, 130, 36.8),
            Patient("p-1006", "bed-3006", 84, 17, 96, 142, 37.0),
            Patient("p-1007", "bed-3007", 90, 20, 90, 128, 37.1, drift=0.002, on_oxygen=True),
            Patient("p-1008", "wear-1008", 70, 13, 98, 120, 36.6),
            Patient("p-1009", "wear-1009", 68, 14, 97, 116, 36.7),
            Patient("p-1010", "bed-3010", 78, 16, 95, 134, 36.9),
        ]
        self.ambulances = [
            Ambulance("amb-01", "case-0001", (35.395, 112.745), 55),   # from Dayang
            Ambulance("amb-02", "case-0002", (35.575, 112.925), 45),   # from Jueshan
            Ambulance("amb-03", "case-0003", (35.440, 112.960), 50),
        ]
        self.ticks = 0

    def tick(self, now: datetime) -> Iterable[Emission]:
        """One observation set per patient (the hub's in one batch), telemetry per ambulance."""
        self.ticks += 1
        batch = medical_pb2.VitalSignsBatch(hub_id=HUB)
        for p in self.patients:
            vitals = self._vitals(p)
            if p.device_id in HUB_DEVICES:
                vitals.meta.event_time.FromDatetime(now)
                batch.sets.append(vitals)
            else:
                yield TOPIC, vitals, p.patient_id
        if batch.sets:
            yield HUB_TOPIC, batch, HUB
        for a in self.ambulances:
            yield AMBULANCE_TOPIC, self._telemetry(a), a.ambulance_id

    def _vitals(self, p: Patient) -> medical_pb2.VitalSigns:
        worse = min(1.0, p.drift * self.ticks)  # 0 → 1 over 1/drift ticks
        p.seq += 1
        g = self.rng.gauss
        return medical_pb2.VitalSigns(
            patient_id=p.patient_id, device_id=p.device_id, seq=p.seq,
            heart_rate_bpm=round(p.hr + 45 * worse + g(0, 2)),
            resp_rate_per_min=round(p.rr + 12 * worse + g(0, 0.7)),
            spo2_pct=round(min(100, p.spo2 - 6 * worse + g(0, 0.6))),
            systolic_mmhg=round(p.sbp - 30 * worse + g(0, 3)),
            diastolic_mmhg=round(0.62 * (p.sbp - 30 * worse) + g(0, 2)),
            temperature_c=round(p.temp + 1.8 * worse + g(0, 0.05), 1),
            consciousness=medical_pb2.CONSCIOUSNESS_ALERT, on_oxygen=p.on_oxygen)

    def _telemetry(self, a: Ambulance) -> medical_pb2.AmbulanceTelemetry:
        if a.progress >= 1.0:
            a.wait += 1
            if a.wait > 30:  # handed over: the next case starts from the same place
                n = int(a.case_id.split("-")[1]) + 3
                a.case_id, a.progress, a.wait = f"case-{n:04d}", 0.0, 0
        lat0, lon0 = a.origin
        km = math.hypot((HOSPITAL[0] - lat0) * 111.0,
                        (HOSPITAL[1] - lon0) * 111.0 * math.cos(math.radians(lat0))) * 1.3
        speed = max(0.0, a.speed_kmh + self.rng.gauss(0, 6)) if a.progress < 1 else 0.0
        a.progress = min(1.0, a.progress + speed * ROUTE_SPEEDUP * self.interval_s / 3600 / km)
        lat = lat0 + (HOSPITAL[0] - lat0) * a.progress
        lon = lon0 + (HOSPITAL[1] - lon0) * a.progress
        g = self.rng.gauss
        vitals = medical_pb2.VitalSigns(
            patient_id=a.case_id, device_id=a.ambulance_id, seq=self.ticks,
            heart_rate_bpm=round(112 + g(0, 3)), resp_rate_per_min=round(23 + g(0, 1)),
            spo2_pct=round(min(100, 93 + g(0, 1))), systolic_mmhg=round(100 + g(0, 4)),
            temperature_c=round(37.9 + g(0, 0.1), 1), on_oxygen=True,
            consciousness=medical_pb2.CONSCIOUSNESS_ALERT)
        return medical_pb2.AmbulanceTelemetry(
            ambulance_id=a.ambulance_id, patient_id=a.case_id, lat=round(lat, 6),
            lon=round(lon, 6), speed_kmh=round(speed, 1),
            destination="zezhou-people", vitals=vitals)
