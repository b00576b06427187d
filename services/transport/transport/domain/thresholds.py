"""Match thresholds derived from a target false-accept rate (FAR), per station.

A threshold is the cosine similarity a probe must reach to be called the same person. It is set
from the distribution of *impostor* scores (pairs of different people): the fraction of impostor
pairs at or above the threshold is the FAR of one comparison.

1:N search compares the probe with every passenger of the departure window, so the chance that
*some* impostor clears the bar grows with N: for a system-level FAR ``f`` over N comparisons the
per-comparison FAR is ``1 - (1 - f) ** (1 / N)`` (about ``f / N``), and the threshold rises.

Where the measured impostor sample is too small to read the tail directly (FAR below 1 / n), the
tail is extrapolated from a normal fit (mean, standard deviation) of the sample -- an estimate
that must be re-checked on the deployment's own enrolment photos.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from statistics import NormalDist

# Impostor statistics of FaceRes on shared/testdata/faces_ageitgey (17 single-face photos of
# 6 people, 116 impostor pairs; ageitgey/face_recognition @ 2e2dccea, MIT), measured with
# bench/transport_calibrate.py: mean 0.403, sd 0.052, max 0.529. Genuine pairs: min 0.598.
IMPOSTOR_MEAN = 0.403
IMPOSTOR_SD = 0.052
# Never accept below the library's measured same-person threshold (zezhou5g.vision).
FLOOR = 0.58


@dataclass(frozen=True)
class ImpostorModel:
    """Impostor-score distribution of the embedding model.

    Attributes:
        mean: mean cosine similarity of different-person pairs.
        sd: standard deviation of those scores.
        scores: the measured impostor scores, if any (empirical tail where it suffices).
    """

    mean: float = IMPOSTOR_MEAN
    sd: float = IMPOSTOR_SD
    scores: tuple[float, ...] = ()

    def threshold(self, far: float) -> float:
        """Cosine similarity at which one comparison's false-accept rate is ``far``.

        Args:
            far: target false-accept rate per comparison, in (0, 1).
        """
        if not 0.0 < far < 1.0:
            raise ValueError(f"far must be in (0, 1), got {far}")
        n = len(self.scores)
        if n and far >= 1.0 / n:
            ranked = sorted(self.scores, reverse=True)
            allowed = int(math.floor(far * n))  # impostors allowed at or above the threshold
            return ranked[allowed] + 1e-6 if allowed < n else ranked[-1]
        return self.mean + self.sd * NormalDist().inv_cdf(1.0 - far)


def per_comparison_far(system_far: float, gallery_size: int) -> float:
    """Per-comparison FAR so that a search over ``gallery_size`` identities has ``system_far``."""
    if gallery_size <= 1:
        return system_far
    return -math.expm1(math.log1p(-system_far) / gallery_size)


@dataclass(frozen=True)
class StationPolicy:
    """Per-station decision settings.

    Attributes:
        far_1to1: target FAR when a ticket is presented (one comparison).
        far_1ton: target system FAR of a 1:N search over the departure window.
        manual_factor: scores between the threshold at ``far * manual_factor`` and the accept
            threshold go to manual check instead of a plain deny.
        min_margin: 1:N only: the best match must beat the next passenger by this much
            (cosine), otherwise two passengers look alike and staff decide.
        floor: no threshold below this.
        window_before_min: the departure window starts this many minutes before now...
        window_after_min: ...and ends this many minutes after now (trains leaving soon).
        impostors: the impostor-score model thresholds come from.
    """

    far_1to1: float = 1e-3
    far_1ton: float = 1e-3
    manual_factor: float = 10.0
    min_margin: float = 0.05
    floor: float = FLOOR
    window_before_min: float = 30.0
    window_after_min: float = 120.0
    impostors: ImpostorModel = field(default_factory=ImpostorModel)

    def thresholds_1to1(self) -> tuple[float, float]:
        """(accept, manual) cosine thresholds for a 1:1 check."""
        return self._pair(self.far_1to1)

    def thresholds_1ton(self, gallery_size: int) -> tuple[float, float]:
        """(accept, manual) cosine thresholds for a 1:N search over ``gallery_size``."""
        return self._pair(per_comparison_far(self.far_1ton, max(1, gallery_size)))

    def _pair(self, far: float) -> tuple[float, float]:
        accept = max(self.floor, self.impostors.threshold(far))
        looser = self.impostors.threshold(min(0.5, far * self.manual_factor))
        manual = max(self.floor - 0.05, looser)
        return accept, min(manual, accept)
