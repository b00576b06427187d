"""Visitor flow: camera frames → person detector → zones, entries, alerts → Kafka and Redis.

One inference thread serves every camera round-robin: each camera is due ``sample_fps`` times
a second; due cameras' newest frames go through the detector together (up to ``batch``), so
with more cameras than the detector can keep up with, every camera slows down evenly and no
frame queue builds up (the cameras keep only their newest frame).
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Protocol

import numpy as np
from prometheus_client import Counter, Gauge, Histogram
from zezhou5g.platform.kafka import EventProducer
from zezhou5g.platform.logging import log_fields
from zezhou5g.tourism.v1 import flow_pb2

from tourism.adapters.camera import CameraStream, Frame
from tourism.adapters.density import DensityCounts
from tourism.adapters.flow_store import FlowStore, local_date
from tourism.areas import AreaConfig, Camera
from tourism.domain.crowding import AlertChange, ZoneMonitor, ZoneReading
from tourism.domain.geometry import feet, points_in_polygon
from tourism.domain.tracking import FeetTracker, LineCounter, reconcile
from tourism.topics import AREA_FLOW, ZONE_ALERTS, ZONE_STATUS

log = logging.getLogger(__name__)

FRAMES = Counter("tourism_frames_processed_total", "Camera frames run through the detector",
                 ["camera"])
INFER_S = Histogram("tourism_inference_seconds", "Detector time per batch of frames",
                    buckets=(0.01, 0.025, 0.05, 0.1, 0.2, 0.4, 0.8, 1.6, 3.2))
CAPTURE_TO_STATUS_S = Histogram(
    "tourism_capture_to_status_seconds", "Frame captured → zone status handed to Kafka",
    buckets=(0.025, 0.05, 0.1, 0.2, 0.4, 0.8, 1.6, 3.2))
CAMERA_HEALTHY = Gauge("tourism_camera_healthy", "1 when the camera delivers frames", ["camera"])
ZONE_PEOPLE = Gauge("tourism_zone_people", "Smoothed people count per zone", ["zone"])
ALERTS = Counter("tourism_zone_alerts_total", "Crowding alerts raised or cleared",
                 ["zone", "state"])


class Detector(Protocol):
    """What the pipeline needs from a person detector."""

    def boxes(self, images: list[np.ndarray]) -> list[np.ndarray]:
        """``(N, 4)`` xyxy pixel boxes per HxWx3 uint8 BGR image."""
        ...


class OnnxPersonDetector:
    """:class:`zezhou5g.vision.PersonDetector` (CUDA when present, else CPU)."""

    def __init__(self, backend: str = "centernet") -> None:
        from zezhou5g.vision import PersonDetector

        self.detector = PersonDetector(backend)  # type: ignore[arg-type]

    def boxes(self, images: list[np.ndarray]) -> list[np.ndarray]:
        """``(N, 4)`` xyxy pixel boxes per BGR image (see :class:`Detector`)."""
        return [d.boxes for d in self.detector.detect(images)]


@dataclass
class _CameraState:
    camera: Camera
    stream: CameraStream
    next_due: float = 0.0
    tracker: FeetTracker = field(default_factory=FeetTracker)
    counters: dict[str, LineCounter] = field(default_factory=dict)
    last: tuple[Frame, np.ndarray] | None = None


class FlowPipeline:
    """Runs cameras and the inference loop; publishes zone status, alerts and area flow."""

    def __init__(self, config: AreaConfig, store: FlowStore, producer: EventProducer,
                 make_detector: Callable[[], Detector] | None = None, *, backend: str = "centernet",
                 batch: int = 4, stale_after_s: float = 5.0, area_interval_s: float = 2.0,
                 make_density: Callable[[], DensityCounts] | None = None) -> None:
        self.config = config
        self.store = store
        self.producer = producer
        self.backend = backend
        self.batch = max(1, batch)
        self.area_interval_s = area_interval_s
        self._make_detector = make_detector or (lambda: OnnxPersonDetector(backend))
        # Density counting (tourism/adapters/density.py): None = detector counts only.
        self._make_density = make_density
        self.density: DensityCounts | None = None
        self.cameras = {
            c.id: _CameraState(c, CameraStream(c.id, c.source, loop=c.loop, start_s=c.start_s,
                                               stale_after_s=stale_after_s,
                                               decode_fps=2 * c.sample_fps))
            for c in config.cameras.values()}
        for state in self.cameras.values():
            state.counters = {g.id: LineCounter(*g.line) for g in config.gates_of(state.camera.id)}
        self.monitors: dict[str, ZoneMonitor] = {}
        self.readings: dict[str, ZoneReading] = {}
        self._area_published: dict[str, float] = {}
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self.error = ""

    def start(self) -> None:
        """Start cameras and the inference thread."""
        for z in self.config.zones.values():
            self.monitors[z.id] = ZoneMonitor(z.area_m2, z.capacity, z.thresholds,
                                              self.config.smoothing_frames,
                                              alert_active=self.store.open_alert(z.id) is not None)
        for state in self.cameras.values():
            state.stream.start()
        self._thread = threading.Thread(target=self._run, name="inference", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        """Stop the inference thread and the cameras."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(15)
        if self.density is not None:
            self.density.stop()
        for state in self.cameras.values():
            state.stream.stop(5)

    def _run(self) -> None:
        try:
            detector = self._make_detector()
            if self._make_density is not None:
                try:
                    self.density = self._make_density()
                    self.density.start()
                except Exception as exc:  # noqa: BLE001 - counting goes on with the detector
                    self.density = None
                    log.error("density model unavailable; detector counts only",
                              extra=log_fields(error=repr(exc)))
        except Exception as exc:  # noqa: BLE001 - reported in health, the service keeps serving
            self.error = f"detector unavailable: {exc}"
            log.error("detector unavailable", extra=log_fields(error=repr(exc)))
            return
        while not self._stop.is_set():
            try:
                if not self.step(detector):
                    self._stop.wait(0.01)
            except Exception as exc:  # noqa: BLE001 - one bad frame must not stop the loop
                log.exception("inference step failed", extra=log_fields(error=repr(exc)))
                self._stop.wait(1.0)

    def step(self, detector: Detector, now: float | None = None) -> int:
        """Run the due cameras' newest frames once; returns how many frames were processed."""
        mono = time.monotonic() if now is None else now
        due = sorted((s for s in self.cameras.values() if s.next_due <= mono),
                     key=lambda s: s.next_due)
        taken: list[tuple[_CameraState, Frame]] = []
        for state in due:
            CAMERA_HEALTHY.labels(state.camera.id).set(int(state.stream.health().healthy))
            frame = state.stream.take()
            if frame is None:
                continue
            taken.append((state, frame))
            state.next_due = max(state.next_due + 1.0 / state.camera.sample_fps, mono)
            if len(taken) >= self.batch:
                break
        if not taken:
            return 0
        with INFER_S.time():
            boxes = detector.boxes([f.image for _, f in taken])
        for (state, frame), b in zip(taken, boxes, strict=True):
            FRAMES.labels(state.camera.id).inc()
            state.last = (frame, b)
            if self.density is not None:
                # Far slower than the detector: its own thread, at most every interval_s per
                # camera; zones use the camera's newest map meanwhile.
                self.density.offer(state.camera.id, frame.image, mono)
            self._frame_done(state, frame, b)
        return len(taken)

    def _frame_done(self, state: _CameraState, frame: Frame, boxes: np.ndarray) -> None:
        at = frame.captured_at
        pos = feet(boxes)
        for zone in self.config.zones_of(state.camera.id):
            raw = int(points_in_polygon(pos, zone.image_polygon).sum())
            fused = None
            if self.density is not None:
                fused = self.density.zone_count(state.camera.id, zone.id, zone.image_polygon,
                                                raw)
                raw = int(round(fused.count))
            r = self.monitors[zone.id].update(raw, at)
            self.readings[zone.id] = r
            ZONE_PEOPLE.labels(zone.id).set(r.count)
            status = flow_pb2.ZoneStatus(
                zone_id=zone.id, area_id=zone.area, camera_id=zone.camera, count=r.count,
                raw_count=r.raw_count, density_per_m2=r.density, area_m2=zone.area_m2,
                capacity=zone.capacity, occupancy=r.occupancy, level=r.level.value)
            if fused is not None:
                status.count_method = fused.method.value
                status.detector_count, status.density_count = fused.detector, fused.density
            status.frame_time.FromNanoseconds(int(at * 1e9))
            self.producer.publish(ZONE_STATUS, status, key=zone.id)
            CAPTURE_TO_STATUS_S.observe(max(0.0, time.time() - at))
            self.store.zones.put(zone.id, status)
            self.store.add_sample(zone.id, at, r.count, r.density)
            if r.alert is not None:
                self._alert(zone.id, zone.area, r, zone.capacity, at)
        changed = False
        if state.counters:
            tracks = state.tracker.update(boxes)
            for gate_id, counter in state.counters.items():
                n_in, n_out = counter.update(tracks)
                if n_in or n_out:
                    self.store.add_crossings(gate_id, at, n_in, n_out)
                    changed = True
        area = state.camera.area
        if changed or at - self._area_published.get(area, 0.0) >= self.area_interval_s:
            self._area_published[area] = at
            self.publish_area(area, at)

    def _alert(self, zone_id: str, area_id: str, r: ZoneReading, capacity: int,
               at: float) -> None:
        ALERTS.labels(zone_id, r.alert.value if r.alert else "").inc()
        if r.alert == AlertChange.RAISED:
            alert = flow_pb2.ZoneAlert(alert_id=f"{zone_id}-{int(at * 1000)}", zone_id=zone_id,
                                       area_id=area_id, state="raised")
            alert.raised_at.FromNanoseconds(int(at * 1e9))
        else:
            found = self.store.open_alert(zone_id)
            if found is None:
                return  # cleared by hand meanwhile: nothing to clear
            alert = found
            alert.state = "cleared"
            alert.cleared_at.FromNanoseconds(int(at * 1e9))
            alert.ClearField("meta")
        alert.count, alert.capacity = r.count, capacity
        alert.occupancy, alert.level = r.occupancy, r.level.value
        self.producer.publish(ZONE_ALERTS, alert, key=zone_id)
        self.store.put_alert(alert)
        log.info("zone alert", extra=log_fields(zone=zone_id, state=alert.state,
                                                count=r.count, capacity=capacity))

    def publish_area(self, area_id: str, at: float) -> flow_pb2.AreaFlow:
        """Publish (and store) the area's people now and entries today."""
        area = self.config.areas[area_id]
        date = local_date(at)
        crossings = self.store.crossings(date)
        msg = flow_pb2.AreaFlow(area_id=area_id, date=date,
                                instantaneous_capacity=area.instantaneous_capacity,
                                daily_capacity=area.daily_capacity)
        msg.people_now = sum(self.readings[z].count for z in self.readings
                             if self.config.zones[z].area == area_id)
        for g in self.config.gates.values():
            if g.area == area_id:
                e, x = crossings.get(g.id, (0, 0))
                msg.gates.add(gate_id=g.id, name_zh=g.name_zh, name_en=g.name_en,
                              entries_today=e, exits_today=x)
                msg.entries_today += e
                msg.exits_today += x
        # The day starts empty (the areas open in the morning): start occupancy 0.
        gates_now = reconcile(0, msg.entries_today, msg.exits_today)
        msg.inside_by_gates, msg.gate_counts_inconsistent = gates_now.inside, gates_now.inconsistent
        self.producer.publish(AREA_FLOW, msg, key=area_id)
        self.store.areas.put(area_id, msg)
        return msg

    def acknowledge(self, alert_id: str, by: str) -> flow_pb2.ZoneAlert | None:
        """Mark an alert acknowledged by ``by``; publishes the updated alert."""
        alert = self.store.alert(alert_id)
        if alert is None:
            return None
        if not alert.acknowledged:
            alert.acknowledged, alert.acknowledged_by = True, by
            alert.acknowledged_at.GetCurrentTime()
            alert.ClearField("meta")
            self.producer.publish(ZONE_ALERTS, alert, key=alert.zone_id)
            self.store.put_alert(alert)
        return alert
