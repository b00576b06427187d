"""Per-camera crowd density maps (CSRNet on onnxruntime) and per-zone fused counts.

The density model costs about 1.5-2.5 s of CPU per frame (vs ~0.1 s for the detector), and
crowding changes over seconds, not frames: each camera's map is recomputed at most every
``interval_s`` seconds (``Z5G_DENSITY_INTERVAL_S``) and reused for the frames in between.
A zone's count is then fused (tourism/domain/counting.py) from the detector's count in the
zone and the newest map integrated over the zone polygon.

Resolution policy (bench/tourism_counting.py): the map is computed with the long side capped
at ``base_side`` (640) px; when the frame's density count reaches the rule's ``dense_count``,
once more at ``dense_side`` (1024) px, whose map is then integrated (CSRNet undercounts dense
crowds less at the higher resolution).  The background floor is always measured in cells of
the base map.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from prometheus_client import Histogram
from zezhou5g.vision.density import DensityEstimator, DensityMap

from tourism.domain.counting import FusedCount, FusionRule, fuse_count

log = logging.getLogger(__name__)

DENSITY_S = Histogram("tourism_density_seconds", "Density model time per map",
                      buckets=(0.1, 0.25, 0.5, 1.0, 2.0, 4.0, 8.0))


@dataclass(frozen=True)
class CameraDensity:
    """A camera's newest maps.

    Attributes:
        base: map at the base resolution (defines the background floor's cells).
        counted: the map integrated over zones (``base``, or the dense re-run).
        at: monotonic seconds when it was computed.
    """

    base: DensityMap
    counted: DensityMap
    at: float


class DensityCounts:
    """Density maps per camera at a limited rate, and fused zone counts from them.

    Args:
        interval_s: least seconds between two maps of one camera.
        rule: fusion parameters (background floor, dense re-run threshold).
        base_side / dense_side: input long-side caps in pixels.
        threads: CPU threads of the density session (default 1: the density worker takes at
            most one core, the detector keeps the others).
        make_estimator: ``max_side → estimator`` (default: CSRNet DensityEstimator).
    """

    def __init__(self, interval_s: float = 10.0, rule: FusionRule | None = None, *,
                 base_side: int = 640, dense_side: int = 1024, threads: int | None = 1,
                 make_estimator: Callable[[int], DensityEstimator] | None = None) -> None:
        """Load the estimators."""
        shared: list[DensityEstimator] = []

        def default(side: int) -> DensityEstimator:
            # one session (one copy of the 65 MB weights) for both resolutions
            est = DensityEstimator(max_side=side, intra_op_threads=threads,
                                   model=shared[0].model if shared else None)
            shared.append(est)
            return est

        make = make_estimator or default
        self.interval_s = interval_s
        self.rule = rule or FusionRule()
        self.base = make(base_side)
        self.dense = make(dense_side) if dense_side != base_side else None
        self._maps: dict[str, CameraDensity] = {}
        self._pending: dict[str, tuple[np.ndarray, float]] = {}
        self._wake = threading.Condition()
        self._stop = False
        self._thread: threading.Thread | None = None
        self.errors = 0
        self._coverage: dict[tuple[str, str, tuple[int, int]], np.ndarray] = {}
        self._lock = threading.Lock()

    def due(self, camera_id: str, now: float) -> bool:
        """True when the camera has no map or its map is older than ``interval_s``.

        ``now`` is monotonic seconds (the frame's time of taking, as given to offer/update).
        """
        m = self._maps.get(camera_id)
        return m is None or now - m.at >= self.interval_s

    def update(self, camera_id: str, image: np.ndarray, now: float) -> CameraDensity:
        """Compute the camera's maps from one HxWx3 uint8 BGR frame."""
        with DENSITY_S.time():
            base = self.base.estimate(image)
        counted = base
        if self.dense is not None and base.count() >= self.rule.dense_count:
            with DENSITY_S.time():
                counted = self.dense.estimate(image)
        m = CameraDensity(base, counted, now)
        with self._lock:
            self._maps[camera_id] = m
        return m

    def offer(self, camera_id: str, image: np.ndarray, now: float) -> bool:
        """Queue a frame for the background worker if the camera is due and none is queued.

        Latest-frame-wins per camera; returns True when the frame was taken.  The detector
        thread never waits for the density model (seconds per frame on CPU).
        """
        with self._wake:
            if camera_id in self._pending or not self.due(camera_id, now):
                return False
            self._pending[camera_id] = (image, now)
            self._wake.notify()
            return True

    def start(self) -> None:
        """Start the background worker that computes offered frames' maps."""
        self._stop = False
        self._thread = threading.Thread(target=self._work, name="density", daemon=True)
        self._thread.start()

    def stop(self, timeout: float = 15.0) -> None:
        """Stop the worker (after the map it is computing, if any)."""
        with self._wake:
            self._stop = True
            self._wake.notify()
        if self._thread is not None:
            self._thread.join(timeout)

    def _work(self) -> None:
        while True:
            with self._wake:
                while not self._pending and not self._stop:
                    self._wake.wait()
                if self._stop:
                    return
                camera_id = min(self._pending, key=lambda c: self._pending[c][1])
                image, now = self._pending[camera_id]
            try:
                self.update(camera_id, image, now)
            except Exception:  # noqa: BLE001 - a bad frame must not stop the worker
                self.errors += 1
                log.exception("density map failed for %s", camera_id)
            finally:
                with self._wake:
                    self._pending.pop(camera_id, None)

    def latest(self, camera_id: str) -> CameraDensity | None:
        """The camera's newest maps, or None before the first."""
        return self._maps.get(camera_id)

    def _cover(self, camera_id: str, zone_id: str, dmap: DensityMap,
               polygon: np.ndarray) -> np.ndarray:
        # Zones do not move: a polygon's cell coverage is computed once per map shape.
        key = (camera_id, zone_id, dmap.density.shape)
        cov = self._coverage.get(key)
        if cov is None:
            cov = self._coverage[key] = dmap.coverage(polygon)
        return cov

    def zone_count(self, camera_id: str, zone_id: str, polygon: np.ndarray,
                   detector_count: int) -> FusedCount:
        """Fused count of one zone (``polygon`` in image pixels) from the newest map.

        Without a map yet, the detector's count (method "detector").
        """
        m = self._maps.get(camera_id)
        if m is None:
            return fuse_count(detector_count, None, 0.0, self.rule)
        cells = float(self._cover(camera_id, zone_id, m.base, polygon).sum())
        cov = self._cover(camera_id, zone_id, m.counted, polygon)
        density = float((m.counted.density * cov).sum(dtype=np.float64))
        return fuse_count(detector_count, density, cells, self.rule)
