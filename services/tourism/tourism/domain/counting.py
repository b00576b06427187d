"""People per zone from two counters: the person detector and the density map (pure logic).

Neither counter serves every scene (measured by ``bench/tourism_counting.py``):

* the person detector (centernet, one pass, as the service runs it) is right when people are
  few and well separated (vtest.avi: MAE < 1), but saturates in a crowd: it finds 5-10 people
  in a 30-person mall frame and 0-2 in a crowd of hundreds;
* the density model (CSRNet) is right in crowds, but it lays a low *background floor* of mass
  over every part of the image, about 0.003 people per 8x8-pixel map cell (median cell of a
  sparse street frame), so a 640x480 street with 3-8 people reads 17-20.

Rule (per zone)::

    floor   = background_per_cell × zone area in density-map cells
    count   = detector count   if density ≤ detector + floor   ("detector" regime)
              density integral otherwise                       ("density" regime)

i.e. the detector is believed unless the density map holds more people than the detector
found *plus* what the density model invents on empty ground; then the detector has
saturated.  One parameter with a physical meaning, chosen on the TUNING split of
bench/tourism_counting.py (lowest worst-band MAE % among 0.0025, 0.0029, 0.0033, 0.0037,
0.0042): ``background_per_cell = 0.0037`` people per cell of a density map computed at a
long side of 640 px (8x8-px cells), within the range of the median cell value of sparse
street frames (0.003-0.004).  A second, optional parameter is
used by the runtime, not here: when a frame's density count reaches ``dense_count`` (100),
the density map is recomputed at a long side of 1024 px, where CSRNet undercounts dense
crowds less (−13 % instead of −23 % on the tuning crowds).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

DEFAULT_BACKGROUND_PER_CELL = 0.0037
DEFAULT_DENSE_COUNT = 100.0


class CountMethod(StrEnum):
    """Which counter a zone's count came from."""

    DETECTOR = "detector"
    DENSITY = "density"


@dataclass(frozen=True)
class FusionRule:
    """The fusion rule's parameters (see the module docstring).

    Attributes:
        background_per_cell: people per density-map cell the model reports on empty ground
            (cells of the map computed at the base resolution, 8x8 input pixels).
        dense_count: frame density count (people) from which the runtime recomputes the map
            at the higher resolution.
    """

    background_per_cell: float = DEFAULT_BACKGROUND_PER_CELL
    dense_count: float = DEFAULT_DENSE_COUNT

    def __post_init__(self) -> None:
        """Reject negative parameters."""
        if self.background_per_cell < 0 or self.dense_count < 0:
            raise ValueError("fusion parameters must be non-negative")


@dataclass(frozen=True)
class FusedCount:
    """A zone's fused count.

    Attributes:
        count: people (the chosen counter's value, ≥ 0).
        method: which counter was chosen.
        detector: people found by the detector in the zone.
        density: density map integrated over the zone (people, float).
        floor: background mass expected in the zone (people).
    """

    count: float
    method: CountMethod
    detector: int
    density: float
    floor: float


def fuse_count(detector: int, density: float | None, zone_cells: float,
               rule: FusionRule | None = None) -> FusedCount:
    """Fuse one zone's detector count and density integral.

    Args:
        detector: people the detector found in the zone (≥ 0).
        density: the density map integrated over the zone (people), or None when no density
            map is available yet (the detector count is used).
        zone_cells: the zone's area in base-resolution density-map cells (≥ 0).
        rule: the fusion parameters.

    Raises:
        ValueError: negative counts or area.
    """
    rule = rule or FusionRule()
    if detector < 0 or zone_cells < 0 or (density is not None and density < 0):
        raise ValueError("counts and areas must be non-negative")
    floor = rule.background_per_cell * zone_cells
    if density is None or density <= detector + floor:
        return FusedCount(float(detector), CountMethod.DETECTOR, detector,
                          0.0 if density is None else density, floor)
    return FusedCount(density, CountMethod.DENSITY, detector, density, floor)
