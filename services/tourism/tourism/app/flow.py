"""Visitor flow: camera frames → person detector → zones, entries, alerts → Redis and Kafka.

One inference thread serves every camera round-robin: each camera is due ``sample_fps`` times
a second; due cameras' newest frames go through the detector together (up to ``batch``), so
with more cameras than the detector can keep up with, every camera slows down evenly and no
frame queue builds up (the cameras keep only their newest frame).

A replica runs the cameras it is given (:meth:`FlowPipeline.assign`, from the camera-slot
group; or all of them): a camera it gains starts from the stored state (its zones' open alerts)
with fresh tracks, one it loses stops. An area's people-now adds the zones other replicas run
from the store. The owned cameras' health, and frames someone is watching, are posted for every
replica to answer with (:class:`CameraBoard`).

Each processed frame is one unit of the outbox: its zones' latest status and minute history,
the alerts it raised or cleared, its gates' crossings and, when due, its area's flow commit
together with the events they go with (``tourism.zone.status``, ``tourism.zone.alerts``,
``tourism.area.flow``). Event ids are derived from the camera, the zone or area and the frame's
capture time (alerts: from the alert id and the change), so an event re-sent after a crash
keeps its id. The in-memory state (smoothing, alert hysteresis, tracks) moves on only once the
frame's unit committed: a frame whose unit failed changes nothing, and the next frame decides
from where the last stored one left off.
"""

from __future__ import annotations

import copy
import logging
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

import numpy as np
from prometheus_client import Counter, Gauge, Histogram
from zezhou5g.platform.failures import is_infrastructure
from zezhou5g.platform.logging import log_fields
from zezhou5g.platform.outbox import RedisOutbox, RedisUnit, derived_id
from zezhou5g.tourism.v1 import flow_pb2

from tourism.adapters.annotate import annotate
from tourism.adapters.camera import CameraStream, Frame
from tourism.adapters.camera_board import CameraBoard
from tourism.adapters.density import DensityCounts
from tourism.adapters.detector import Detector, OnnxPersonDetector
from tourism.adapters.flow_store import Crossings, FlowStore, FlowWrites, Sample, local_date
from tourism.app.alerts import alert_event_id
from tourism.areas import AreaConfig, Camera, Zone
from tourism.domain.camera_health import CameraState, camera_state
from tourism.domain.counting import FusedCount
from tourism.domain.crowding import AlertChange, ZoneMonitor, ZoneReading
from tourism.domain.geometry import feet, points_in_polygon
from tourism.domain.tracking import FeetTracker, LineCounter, reconcile
from tourism.topics import AREA_FLOW, ZONE_ALERTS, ZONE_STATUS
from tourism.wire import ALERT_STATES, crowd_level

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
CAMERAS_OWNED = Gauge("tourism_cameras_owned", "Cameras this replica runs")
# What the autoscaler watches (deploy/k8s/overlays/prod/hpa.yaml): frames/s asked for but not
# processed, summed over this replica's cameras; 0 while it keeps up.
FPS_DEFICIT = Gauge("tourism_camera_fps_deficit",
                    "Frames/s asked for and not processed, over the cameras this replica runs")
CAMERA_MOVES = Counter("tourism_camera_moves_total", "Cameras gained or given up by this replica",
                       ["change"])
# A zone another replica runs counts towards its area's people-now while its status is this fresh.
REMOTE_ZONE_FRESH_S = 15.0


def zone_status_id(camera_id: str, zone_id: str, frame_ns: int) -> str:
    """Event id of a zone's status after the frame its camera captured at ``frame_ns``."""
    return derived_id(ZONE_STATUS, camera_id, zone_id, str(frame_ns))


def area_flow_id(area_id: str, camera_id: str, frame_ns: int) -> str:
    """Event id of an area's flow sent after a frame of ``camera_id`` captured at ``frame_ns``."""
    return derived_id(AREA_FLOW, area_id, camera_id, str(frame_ns))


@dataclass
class _CameraState:
    camera: Camera
    stream: CameraStream
    next_due: float = 0.0
    tracker: FeetTracker = field(default_factory=FeetTracker)
    counters: dict[str, LineCounter] = field(default_factory=dict)
    last: tuple[Frame, np.ndarray] | None = None


@dataclass(frozen=True, slots=True)
class _ZoneFrame:
    """A zone after one frame, decided and not yet stored."""

    zone: Zone
    reading: ZoneReading
    fused: FusedCount | None


class FlowPipeline:
    """Runs cameras and the inference loop; stores and publishes zone status, alerts, area flow.

    Args:
        config: the areas file.
        store: the flow's Redis state.
        outbox: the service's outbox (each frame is one of its units).
        make_detector: builds the person detector in the inference thread (default ONNX).
        backend: ONNX detector backend when ``make_detector`` is not given.
        batch: most frames per detector call.
        stale_after_s: a camera without a frame this long is unhealthy, seconds.
        area_interval_s: an area's flow is sent at least this often, seconds (and on entries).
        make_density: builds the density counter; None counts with the detector only.
        board: where owned cameras' health and watched frames are posted (None: nowhere).
        worker: this replica's name (shown with each camera it runs).
    """

    def __init__(self, config: AreaConfig, store: FlowStore, outbox: RedisOutbox,
                 make_detector: Callable[[], Detector] | None = None, *, backend: str = "centernet",
                 batch: int = 4, stale_after_s: float = 5.0, area_interval_s: float = 2.0,
                 make_density: Callable[[], DensityCounts] | None = None,
                 board: CameraBoard | None = None, worker: str = "") -> None:
        self.config = config
        self.store = store
        self.outbox = outbox
        self.backend = backend
        self.batch = max(1, batch)
        self.area_interval_s = area_interval_s
        self._make_detector = make_detector or (lambda: OnnxPersonDetector(backend))
        # Density counting (tourism/adapters/density.py): None = detector counts only.
        self._make_density = make_density
        self.density: DensityCounts | None = None
        self.stale_after_s = stale_after_s
        self.board, self.worker = board, worker
        self.cameras = {c.id: self._fresh_state(c) for c in config.cameras.values()}
        # The cameras run here; a new assignment waits in _assigned for the inference thread.
        self.owned: set[str] = set()
        self._assigned: frozenset[str] | None = None
        self._assign_lock = threading.Lock()
        self._started = time.monotonic()
        self.monitors: dict[str, ZoneMonitor] = {}
        self.readings: dict[str, ZoneReading] = {}
        self._area_published: dict[str, float] = {}
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._away: BaseException | None = None   # why the last step's frames were not stored
        self.error = ""

    def _fresh_state(self, camera: Camera) -> _CameraState:
        stream = CameraStream(camera.id, camera.source, loop=camera.loop, start_s=camera.start_s,
                              stale_after_s=self.stale_after_s, decode_fps=2 * camera.sample_fps)
        state = _CameraState(camera, stream)
        state.counters = {g.id: LineCounter(*g.line) for g in self.config.gates_of(camera.id)}
        return state

    def restore(self, zones: Iterable[Zone] | None = None) -> None:
        """Set up the zones' monitors (default: all) (blocking).

        An alert still open in the store stays open.
        """
        for z in self.config.zones.values() if zones is None else zones:
            # An alert still open from before a restart (or raised by the camera's previous
            # replica) is not raised again.
            self.monitors[z.id] = ZoneMonitor(z.area_m2, z.capacity, z.thresholds,
                                              self.config.smoothing_frames,
                                              alert_active=self.store.open_alert(z.id) is not None)

    def start(self, run_all: bool = True) -> None:
        """Start the inference thread and the cameras (blocking).

        ``run_all``: every camera; otherwise those later :meth:`assign`-ed. Each camera's zones
        are restored from the store when it is taken on (:meth:`_apply_assignment`).
        """
        if run_all:
            self.assign(self.cameras)
            self._apply_assignment()
        self._thread = threading.Thread(target=self._run, name="inference", daemon=True)
        self._thread.start()

    def assign(self, camera_ids: Iterable[str]) -> None:
        """Run exactly these cameras from now on (any thread; the inference loop applies it)."""
        with self._assign_lock:
            self._assigned = frozenset(c for c in camera_ids if c in self.cameras)

    def _apply_assignment(self) -> None:
        with self._assign_lock:
            wanted, self._assigned = self._assigned, None
        if wanted is None or wanted == self.owned:
            return
        gone, new = sorted(self.owned - wanted), sorted(wanted - self.owned)
        for cid in gone:
            self.cameras[cid].stream.stop(2)
            self.cameras[cid] = self._fresh_state(self.cameras[cid].camera)
            for z in self.config.zones_of(cid):
                self.readings.pop(z.id, None)
            CAMERA_HEALTHY.labels(cid).set(0)
        if gone and self.board is not None:
            self.board.withdraw(gone)
        for cid in new:
            # Fresh tracks; the zones carry on from what the store holds.
            self.restore(self.config.zones_of(cid))
            self.cameras[cid].next_due = 0.0
            self.cameras[cid].stream.start()
        self.owned = set(wanted)
        CAMERAS_OWNED.set(len(self.owned))
        CAMERA_MOVES.labels("gained").inc(len(new))
        CAMERA_MOVES.labels("given_up").inc(len(gone))
        log.info("cameras assigned", extra=log_fields(cameras=sorted(self.owned), gained=new,
                                                      given_up=gone))

    def stop(self) -> None:
        """Stop the inference thread and the cameras."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(15)
        if self.density is not None:
            self.density.stop()
        for state in self.cameras.values():
            state.stream.stop(5)
        if self.board is not None and self.owned:
            try:
                self.board.withdraw(self.owned)
            except Exception as exc:  # noqa: BLE001 - Redis away: the entries expire anyway
                log.warning("camera health not withdrawn", extra=log_fields(error=repr(exc)))

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
            self._stop.wait(self.pump(detector))

    def pump(self, detector: Detector) -> float:
        """One round of the inference loop; returns the seconds to wait before the next."""
        try:
            self._apply_assignment()
            if self.step(detector):
                self._away = None   # frames are stored again
                return 0.0
            return 0.01
        except Exception as exc:  # noqa: BLE001 - a frame not stored is a frame dropped
            # Redis away or one bad frame: nothing of that frame was stored or published and
            # the zones' state did not move; the loop goes on with the next frames.
            if is_infrastructure(exc):
                self._away = exc
                log.warning("frame dropped: a dependency is away",
                            extra=log_fields(error=repr(exc)))
            else:
                log.exception("inference step failed", extra=log_fields(error=repr(exc)))
            return 1.0

    def camera_health(self, camera_id: str, vision_enabled: bool = True) -> flow_pb2.CameraHealth:
        """A camera this replica runs: frames/s in and processed, last frame, state."""
        state = self.cameras[camera_id]
        h, cam = state.stream.health(), state.camera
        msg = flow_pb2.CameraHealth(
            camera_id=camera_id, area_id=cam.area, name_zh=cam.name_zh, name_en=cam.name_en,
            fps_in=h.fps_in, fps_processed=h.fps_processed, reconnects=h.reconnects,
            error=self.error or (h.error if vision_enabled else "vision disabled"),
            width=h.width, height=h.height, sample_fps=cam.sample_fps, worker=self.worker)
        if h.last_frame_at:
            msg.last_frame_time.FromNanoseconds(int(h.last_frame_at * 1e9))
        age = time.time() - h.last_frame_at if h.last_frame_at else None
        st = camera_state(age, h.fps_processed, cam.sample_fps, state.stream.stale_after_s,
                          time.monotonic() - self._started)
        if not vision_enabled or self.error:
            st = CameraState.DOWN
        msg.state, msg.healthy = st.value, st != CameraState.DOWN
        msg.last_frame_age_s = round(age, 1) if age is not None else -1.0
        if st == CameraState.DOWN and not msg.error:
            msg.error = "no frame processed"
        return msg

    def camera_frame(self, camera_id: str) -> flow_pb2.GetCameraFrameResponse | None:
        """The last processed frame of a camera run here, annotated (JPEG; tens of ms)."""
        state = self.cameras.get(camera_id)
        last = state.last if state is not None and camera_id in self.owned else None
        if last is None:
            return None
        frame, boxes = last
        zones = []
        for z in self.config.zones_of(camera_id):
            r = self.readings.get(z.id)
            zones.append((z, r.level.value if r else "", r.count if r else 0))
        reply = flow_pb2.GetCameraFrameResponse(
            camera_id=camera_id, people=len(boxes),
            jpeg=annotate(frame.image, boxes, zones, self.config.gates_of(camera_id)))
        reply.frame_time.FromNanoseconds(int(frame.captured_at * 1e9))
        return reply

    def post_views(self, vision_enabled: bool = True) -> None:
        """Post the owned cameras' health, and frames of those someone watches (blocking).

        Run about every second through ``ServiceRuntime.every``; also sets the frames/s
        deficit gauge.
        """
        owned = sorted(self.owned)
        health = [self.camera_health(c, vision_enabled) for c in owned]
        FPS_DEFICIT.set(round(sum(max(0.0, h.sample_fps - h.fps_processed) for h in health), 2))
        if self.board is None:
            return
        wanted = self.board.frames_wanted(owned)
        frames = [f for f in (self.camera_frame(c) for c in sorted(wanted)) if f is not None]
        self.board.post(health, frames)

    def check(self) -> None:
        """Raise what keeps the last frames from being stored (Redis away), if anything.

        Run through ``ServiceRuntime.every``: the service reports NOT_SERVING while it raises.
        """
        away = self._away
        if away is not None:
            raise away

    def step(self, detector: Detector, now: float | None = None) -> int:
        """Run the due cameras' newest frames once; returns how many frames were processed."""
        mono = time.monotonic() if now is None else now
        due = sorted((s for cid, s in self.cameras.items()
                      if cid in self.owned and s.next_due <= mono), key=lambda s: s.next_due)
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
            self.frame_done(state, frame, b)
        return len(taken)

    def frame_done(self, state: _CameraState, frame: Frame, boxes: np.ndarray) -> None:
        """Decide what one processed frame changes, store it and stage its events (one unit).

        ``boxes``: ``(N, 4)`` xyxy pixel person boxes found in ``frame``.
        """
        at = frame.captured_at
        camera = state.camera
        # Decided on copies: they replace the live state only once the unit has committed.
        monitors = {z.id: copy.deepcopy(self.monitors[z.id])
                    for z in self.config.zones_of(camera.id)}
        tracker, counters = copy.deepcopy(state.tracker), copy.deepcopy(state.counters)
        pos = feet(boxes)
        zones: list[_ZoneFrame] = []
        for zone in self.config.zones_of(camera.id):
            raw = int(points_in_polygon(pos, zone.image_polygon).sum())
            fused = None
            if self.density is not None:
                fused = self.density.zone_count(camera.id, zone.id, zone.image_polygon, raw)
                raw = int(round(fused.count))
            zones.append(_ZoneFrame(zone, monitors[zone.id].update(raw, at), fused))
        crossings: list[Crossings] = []
        if counters:
            tracks = tracker.update(boxes)
            for gate_id, counter in counters.items():
                n_in, n_out = counter.update(tracks)
                if n_in or n_out:
                    crossings.append(Crossings(gate_id, at, n_in, n_out))
        readings = self.readings | {z.zone.id: z.reading for z in zones}
        area_due = bool(crossings) or (
            at - self._area_published.get(camera.area, 0.0) >= self.area_interval_s)

        alerts = self.outbox.transact(lambda unit: self._stage_frame(
            unit, camera, at, zones, crossings, readings, area_due))

        self.monitors.update(monitors)
        state.tracker, state.counters = tracker, counters
        self.readings = readings
        if area_due:
            self._area_published[camera.area] = at
        for z in zones:
            CAPTURE_TO_STATUS_S.observe(max(0.0, time.time() - at))
            ZONE_PEOPLE.labels(z.zone.id).set(z.reading.count)
            if z.reading.alert is not None:
                ALERTS.labels(z.zone.id, z.reading.alert.value).inc()
        for a in alerts:
            log.info("zone alert", extra=log_fields(zone=a.zone_id,
                                                    state=flow_pb2.ZoneAlertState.Name(a.alert_state),
                                                    count=a.count, capacity=a.capacity))

    def _stage_frame(self, unit: RedisUnit, camera: Camera, at: float, zones: list[_ZoneFrame],
                     crossings: list[Crossings], readings: dict[str, ZoneReading],
                     area_due: bool) -> list[flow_pb2.ZoneAlert]:
        """The frame's unit: read what it builds on, stage events, queue the writes."""
        frame_ns = int(at * 1e9)
        clearing = [z.zone.id for z in zones if z.reading.alert == AlertChange.CLEARED]
        opened = self.store.read_open_alerts(unit, clearing) if clearing else {}
        date = local_date(at)
        day = self.store.read_crossings(unit, date) if area_due else {}
        writes = FlowWrites()
        for z in zones:
            status = _zone_status(z, at)
            unit.emit(ZONE_STATUS, status, z.zone.id, zone_status_id(camera.id, z.zone.id,
                                                                     frame_ns))
            writes.zones.append(status)
            writes.samples.append(Sample(z.zone.id, at, z.reading.count, z.reading.density))
            if z.reading.alert is None:
                continue
            alert = _alert(z, at, opened.get(z.zone.id))
            if alert is None:
                continue  # no open alert to clear (none stored for this episode)
            unit.emit(ZONE_ALERTS, alert, z.zone.id,
                      alert_event_id(alert.alert_id, z.reading.alert.value))
            writes.alerts.append(alert)
        writes.crossings = crossings
        if area_due:
            for c in crossings:
                e, x = day.get(c.gate_id, (0, 0))
                day[c.gate_id] = (e + c.entries, x + c.exits)
            flow = self._area_flow(camera.area, date, day, readings, at)
            unit.emit(AREA_FLOW, flow, camera.area, area_flow_id(camera.area, camera.id,
                                                                 frame_ns))
            writes.areas.append(flow)
        self.store.stage(unit, writes)
        return writes.alerts

    def _area_flow(self, area_id: str, date: str, crossings: dict[str, tuple[int, int]],
                   readings: dict[str, ZoneReading], at: float) -> flow_pb2.AreaFlow:
        """The area's people now (zones' counts) and entries today (gates' crossings)."""
        area = self.config.areas[area_id]
        msg = flow_pb2.AreaFlow(area_id=area_id, date=date,
                                instantaneous_capacity=area.instantaneous_capacity,
                                daily_capacity=area.daily_capacity)
        mine = [z for z in readings if self.config.zones[z].area == area_id]
        msg.people_now = sum(readings[z].count for z in mine)
        others = [z.id for z in self.config.zones.values()
                  if z.area == area_id and z.id not in readings]
        for status in self.store.zones.many(others).values():
            # Zones of cameras another replica runs, while their status is recent.
            if at - status.frame_time.ToNanoseconds() / 1e9 <= REMOTE_ZONE_FRESH_S:
                msg.people_now += status.count
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
        return msg


def _zone_status(z: _ZoneFrame, at: float) -> flow_pb2.ZoneStatus:
    zone, r = z.zone, z.reading
    status = flow_pb2.ZoneStatus(
        zone_id=zone.id, area_id=zone.area, camera_id=zone.camera, count=r.count,
        raw_count=r.raw_count, density_per_m2=r.density, area_m2=zone.area_m2,
        capacity=zone.capacity, occupancy=r.occupancy, crowd_level=crowd_level(r.level))
    if z.fused is not None:
        status.count_method = z.fused.method.value
        status.detector_count, status.density_count = z.fused.detector, z.fused.density
    status.frame_time.FromNanoseconds(int(at * 1e9))
    return status


def _alert(z: _ZoneFrame, at: float,
           opened: flow_pb2.ZoneAlert | None) -> flow_pb2.ZoneAlert | None:
    """The alert the zone's change at ``at`` makes: a new one, or ``opened`` cleared."""
    zone, r = z.zone, z.reading
    if r.alert == AlertChange.RAISED:
        alert = flow_pb2.ZoneAlert(alert_id=f"{zone.id}-{int(at * 1000)}", zone_id=zone.id,
                                   area_id=zone.area,
                                   alert_state=ALERT_STATES[AlertChange.RAISED])
        alert.raised_at.FromNanoseconds(int(at * 1e9))
    elif opened is None:
        return None
    else:
        alert = opened
        alert.alert_state = ALERT_STATES[AlertChange.CLEARED]
        alert.cleared_at.FromNanoseconds(int(at * 1e9))
        alert.ClearField("meta")
    alert.count, alert.capacity = r.count, zone.capacity
    alert.occupancy, alert.crowd_level = r.occupancy, crowd_level(r.level)
    return alert
