"""Root-zone soil water balance after FAO Irrigation and Drainage Paper 56 (Allen et al. 1998).

Eq. 82: TAW = 1000 (θFC − θWP) Zr; eq. 83: RAW = p · TAW; the root-zone depletion measured by a
probe is Dr = 1000 (θFC − θ) Zr (≥ 0). θ in m³/m³, Zr in m, water depths in mm.
Irrigation is needed once Dr exceeds RAW (the crop starts to suffer water stress, Ks < 1).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class SoilWater:
    """Soil and crop parameters of the water balance.

    Attributes:
        field_capacity: θFC, m³/m³.
        wilting_point: θWP, m³/m³.
        root_depth_m: Zr, m.
        depletion_fraction: p, fraction of TAW the crop uses without stress (FAO-56 Table 22).
    """

    field_capacity: float
    wilting_point: float
    root_depth_m: float
    depletion_fraction: float

    def __post_init__(self) -> None:
        if not 0 < self.wilting_point < self.field_capacity < 1:
            raise ValueError("need 0 < wilting point < field capacity < 1 (m³/m³)")
        if not 0 < self.depletion_fraction < 1 or self.root_depth_m <= 0:
            raise ValueError("need 0 < p < 1 and a positive root depth")

    @property
    def taw_mm(self) -> float:
        """Total available water, mm (FAO-56 eq. 82)."""
        return 1000.0 * (self.field_capacity - self.wilting_point) * self.root_depth_m

    @property
    def raw_mm(self) -> float:
        """Readily available water, mm (FAO-56 eq. 83)."""
        return self.depletion_fraction * self.taw_mm

    def depletion_mm(self, vwc: float) -> float:
        """Root-zone depletion Dr for a measured θ (m³/m³), mm; 0 at or above field capacity."""
        return max(0.0, 1000.0 * (self.field_capacity - vwc) * self.root_depth_m)

    def irrigation_mm(self, vwc: float) -> float:
        """Net irrigation depth that refills the root zone to field capacity, mm."""
        return self.depletion_mm(vwc)

    def stress_fraction(self, vwc: float) -> float:
        """Where Dr lies between RAW (0) and TAW (1); negative while below RAW."""
        return (self.depletion_mm(vwc) - self.raw_mm) / (self.taw_mm - self.raw_mm)
