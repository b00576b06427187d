"""Match thresholds derived from a target false-accept rate (FAR), per station.

A threshold is the cosine similarity a probe must reach to be called the same person. It is set
from the distribution of *impostor* scores (pairs of different people): the fraction of impostor
pairs at or above the threshold is the FAR of one comparison.

1:N search compares the probe with every passenger of the departure window, so the chance that
*some* impostor clears the bar grows with N: for a system-level FAR ``f`` over N comparisons the
per-comparison FAR is ``1 - (1 - f) ** (1 / N)`` (about ``f / N``), and the threshold rises.

The impostor model is empirical where the measured sample is dense (a table of score quantiles)
and a generalized Pareto (GPD) upper tail beyond it, fitted to the exceedances over the tail
start ``u`` by probability-weighted moments (Hosking & Wallis 1987). Cosine scores are bounded,
so the fitted shape is usually negative (a finite end point) -- extrapolating such an end point
from a few hundred exceedances down to 1e-7 is not trustworthy, so the shape is clamped at 0
(an exponential tail), which predicts *more* impostors than the bounded fit: conservative.
bench/transport_calibrate.py checks the model against held-out identities.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field

# SFace impostor model (the service's embedding on YuNet's 5-point alignment,
# zezhou5g.vision.face_embed), fitted on every identity of shared/testdata/faces_calibration +
# faces_ageitgey (351 photos, 54 people, 60,288 impostor pairs; sources in those folders'
# labels.csv) by
#     uv run --frozen python bench/transport_calibrate.py --model sface
# (line "impostor model, all identities"). The same procedure fitted on 5/6 of the people
# and counted on the other 1/6 ("1:1 at the policy"), at the default FAR target 1e-3: held-out
# FAR 0.044 %, FRR 1.0 % (0.2 % denied, the rest to the staffed lane); pairs of two East Asian
# people FAR 0.079 % (2 of 2,544), FRR 1.9 %. 1:N at 10k: 1.2e-4 false admissions per
# non-enrolled passenger (bench/README.md).
# Body: (cosine, P(impostor score >= cosine)) read from the empirical distribution.
BODY = ((0.0888, 0.5), (0.1649, 0.2), (0.2076, 0.1), (0.2415, 0.05), (0.2814, 0.02))
TAIL_SIGMA = 0.0388  # GPD scale over the last knot (the tail start u), cosine units
TAIL_XI = 0.0  # GPD shape (fitted -0.108, clamped at 0: see the module docstring)
# Never accept below the impostor score at this FAR, whatever a station's policy says.
FLOOR_FAR = 0.05


@dataclass(frozen=True)
class ImpostorModel:
    """Impostor-score distribution of the embedding model: empirical body + GPD tail.

    Attributes:
        body: ((cosine, exceedance probability), ...) ascending in cosine, exceedance
            descending; the last point is the tail start (``u``, ``zeta``).
        sigma: GPD scale of the exceedances over ``u`` (cosine units), > 0.
        xi: GPD shape (0 = exponential tail).
    """

    body: tuple[tuple[float, float], ...] = BODY
    sigma: float = TAIL_SIGMA
    xi: float = TAIL_XI

    @property
    def u(self) -> float:
        """Cosine where the GPD tail starts."""
        return self.body[-1][0]

    @property
    def zeta(self) -> float:
        """Probability that an impostor score reaches ``u``."""
        return self.body[-1][1]

    def far(self, t: float) -> float:
        """Modelled P(impostor score >= ``t``) of one comparison."""
        if t >= self.u:
            z = (t - self.u) / self.sigma
            if abs(self.xi) < 1e-9:
                return self.zeta * math.exp(-z)
            base = 1.0 + self.xi * z
            return 0.0 if base <= 0 else self.zeta * base ** (-1.0 / self.xi)
        if t <= self.body[0][0]:
            return max(self.body[0][1], min(1.0, self.body[0][1] + (self.body[0][0] - t)))
        for (t0, p0), (t1, p1) in zip(self.body, self.body[1:], strict=False):
            if t0 <= t <= t1:  # log-linear between knots
                w = (t - t0) / (t1 - t0)
                return math.exp((1 - w) * math.log(p0) + w * math.log(p1))
        return self.zeta

    def threshold(self, far: float) -> float:
        """Cosine similarity at which one comparison's false-accept rate is ``far``.

        Args:
            far: target false-accept rate per comparison, in (0, 1).
        """
        if not 0.0 < far < 1.0:
            raise ValueError(f"far must be in (0, 1), got {far}")
        if far <= self.zeta:
            r = far / self.zeta
            if abs(self.xi) < 1e-9:
                return self.u - self.sigma * math.log(r)
            return self.u + self.sigma / self.xi * (r ** (-self.xi) - 1.0)
        if far >= self.body[0][1]:
            return self.body[0][0]
        for (t0, p0), (t1, p1) in zip(self.body, self.body[1:], strict=False):
            if p1 <= far <= p0:
                w = (math.log(p0) - math.log(far)) / (math.log(p0) - math.log(p1))
                return t0 + w * (t1 - t0)
        return self.u


def fit_impostor_model(scores: Sequence[float], tail_fraction: float = 0.02,
                       body_probs: Sequence[float] = (0.5, 0.2, 0.1, 0.05),
                       clamp_shape: bool = True) -> tuple[ImpostorModel, float]:
    """Fit the empirical body + GPD tail to impostor cosine scores.

    Args:
        scores: impostor scores (cosine), at least 100.
        tail_fraction: the top fraction of scores the GPD is fitted to (sets ``u``).
        body_probs: exceedance probabilities of the body knots (> tail_fraction).
        clamp_shape: clamp the shape at 0 (see the module docstring).

    Returns:
        (model, fitted shape before clamping).
    """
    xs = sorted(float(s) for s in scores)
    n = len(xs)
    if n < 100:
        raise ValueError(f"need >= 100 impostor scores, got {n}")

    def quantile_exceeded(p: float) -> float:  # score that a fraction p of the sample reaches
        return xs[min(n - 1, max(0, int(math.ceil(n * (1.0 - p))) - 1))]

    u = quantile_exceeded(tail_fraction)
    exc = [x - u for x in xs if x > u]
    m = len(exc)
    if m < 20:
        raise ValueError(f"only {m} exceedances over the tail start; need more impostor pairs")
    # Probability-weighted moments a0 = E[Y], a1 = E[Y (1 - F(Y))] with plotting positions.
    a0 = sum(exc) / m
    a1 = sum(y * (1.0 - (i + 0.65) / m) for i, y in enumerate(exc)) / m
    k = a0 / (a0 - 2 * a1) - 2.0  # Hosking's k = -xi
    sigma = 2.0 * a0 * a1 / (a0 - 2 * a1)
    xi = -k
    zeta = m / n
    if clamp_shape and xi < 0:
        sigma, used = a0, 0.0  # exponential MLE: scale = mean exceedance
    else:
        used = xi
    body = tuple((quantile_exceeded(p), p) for p in body_probs if p > zeta) + ((u, zeta),)
    return ImpostorModel(body=body, sigma=sigma, xi=used), xi


def per_comparison_far(system_far: float, gallery_size: int) -> float:
    """Per-comparison FAR so that a search over ``gallery_size`` identities has ``system_far``."""
    if gallery_size <= 1:
        return system_far
    return -math.expm1(math.log1p(-system_far) / gallery_size)


def open_set_false_admission(p: float, gallery_size: int) -> float:
    """P(a non-enrolled probe beats the bar against at least one of ``gallery_size`` others).

    Treats the N comparisons as independent draws at per-comparison rate ``p``.
    """
    return -math.expm1(gallery_size * math.log1p(-min(p, 1.0 - 1e-15)))


@dataclass(frozen=True)
class StationPolicy:
    """Per-station decision settings.

    Attributes:
        far_1to1: target FAR when a ticket is presented (one comparison): the gate's target,
            1e-3. The exponential tail over-predicts held-out impostors (at 1e-3 it admitted
            1.7e-4 of the held-out pairs), which is the margin; the worst look-alike pair of
            the calibration set (0.581, two tight grayscale crops) is a 1-in-60k event and scores
            above this threshold: it would open, as FAR 1e-3 allows (bench/README.md).
        far_1ton: target system FAR of a 1:N search over the departure window (per
            non-enrolled passenger).
        manual_factor: scores between the threshold at ``far * manual_factor`` (at most FAR
            50 %) and the accept threshold go to the staffed lane instead of a plain deny.
            The default (FAR 10 % at the 1e-3 target) sends most of the genuine passengers
            the accept threshold misses to staff (held-out: 4.9 % not opened, 1.1 % denied)
            while a clearly different face is denied (services/transport/README.md).
        min_margin: 1:N only: the best match must beat the next passenger by this much
            (cosine), otherwise two passengers look alike and staff decide.
        floor: no accept threshold below this (None: the impostor model's score at
            FLOOR_FAR, so the floor follows the embedding model the thresholds come from).
        window_before_min: the departure window starts this many minutes before now...
        window_after_min: ...and ends this many minutes after now (trains leaving soon).
        impostors: the impostor-score model thresholds come from.
    """

    far_1to1: float = 1e-3
    far_1ton: float = 1e-3
    manual_factor: float = 100.0
    min_margin: float = 0.05
    floor: float | None = None
    window_before_min: float = 30.0
    window_after_min: float = 120.0
    impostors: ImpostorModel = field(default_factory=ImpostorModel)

    @property
    def accept_floor(self) -> float:
        """The lowest accept threshold this policy allows (cosine)."""
        return self.impostors.threshold(FLOOR_FAR) if self.floor is None else self.floor

    def thresholds_1to1(self) -> tuple[float, float]:
        """(accept, manual) cosine thresholds for a 1:1 check."""
        return self._pair(self.far_1to1)

    def thresholds_1ton(self, gallery_size: int) -> tuple[float, float]:
        """(accept, manual) cosine thresholds for a 1:N search over ``gallery_size``.

        The manual band is the 1:1 one: a stranger in it is sent to staff, never admitted.
        """
        accept = max(self.accept_floor, self.impostors.threshold(
            per_comparison_far(self.far_1ton, max(1, gallery_size))))
        return accept, min(self._pair(self.far_1to1)[1], accept)

    def _pair(self, far: float) -> tuple[float, float]:
        accept = max(self.accept_floor, self.impostors.threshold(far))
        manual = self.impostors.threshold(min(0.5, far * self.manual_factor))
        return accept, min(manual, accept)
