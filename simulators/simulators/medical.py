"""A small cohort of monitored patients; one deteriorates slowly (sepsis-like)."""

from __future__ import annotations

import random
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from zezhou5g.medical.v1 import medical_pb2

from simulators.base import Emission

TOPIC = "medical.vitals"


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
    seq: int = 0


class Wearables:
    """Vitals from wearables/bedside monitors: noise around a baseline, plus a drift."""

    name = "medical"
    topic = TOPIC

    def __init__(self, seed: int = 11) -> None:
        self.rng = random.Random(seed)
        self.patients = [
            Patient("p-1001", "wear-1001", 72, 14, 97, 124, 36.7),
            Patient("p-1002", "wear-1002", 80, 16, 95, 138, 36.9),
            Patient("p-1003", "bed-2003", 88, 18, 96, 112, 37.4, drift=0.004),
            Patient("p-1004", "wear-1004", 64, 12, 98, 118, 36.5),
        ]
        self.ticks = 0

    def tick(self, now: datetime) -> Iterable[Emission]:
        """One observation set per patient."""
        self.ticks += 1
        for p in self.patients:
            worse = min(1.0, p.drift * self.ticks)  # 0 → 1 over 1/drift ticks
            p.seq += 1
            g = self.rng.gauss
            yield TOPIC, medical_pb2.VitalSigns(
                patient_id=p.patient_id, device_id=p.device_id, seq=p.seq,
                heart_rate_bpm=round(p.hr + 45 * worse + g(0, 2)),
                resp_rate_per_min=round(p.rr + 12 * worse + g(0, 0.7)),
                spo2_pct=round(min(100, p.spo2 - 6 * worse + g(0, 0.6))),
                systolic_mmhg=round(p.sbp - 30 * worse + g(0, 3)),
                diastolic_mmhg=round(0.62 * (p.sbp - 30 * worse) + g(0, 2)),
                temperature_c=round(p.temp + 1.8 * worse + g(0, 0.05), 1),
                consciousness=medical_pb2.CONSCIOUSNESS_ALERT, on_oxygen=False,
            ), p.patient_id
