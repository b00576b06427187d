"""A field reading arrives: validate, order, fold into field state, run the rules, announce.

Per reading: profile validation (rejects go to the DLQ with the reason); late readings (not newer
than the device's last) are kept for history only; otherwise the field's last valid value of each
metric is updated (a reading without moisture keeps the last moisture), degree days accumulate,
the rules decide alarms, and a ``FieldStatus`` is staged.

A field gateway's record is evaluated per field snapshot: the rules run once on the field's
readings of one round (each sensor at most once, within :data:`SNAPSHOT_S` of event time), on
the field aggregate after all of them, not once for each sensor's share of the round. A second
reading of a device in the record (a buffered log) starts the next snapshot, so every point of
a time series is still evaluated. A reading alone is evaluated by itself.

Event time (``meta.event_time``, the device's measurement time) is bounded (see
:mod:`agri.domain.eventtime`), and drives ordering, buckets, silence gaps and the alarms' duration
conditions. Field rules see a field aggregate per metric (:mod:`agri.domain.episodes`) over the
latest reading of each of the field's sensors, not whichever sensor spoke last.

A Kafka poll is decided in Redis units of work (:class:`~zezhou5g.platform.outbox.RedisOutbox`)
of about 200 readings, whole records each (:func:`~zezhou5g.platform.batches.units`): one
watched read of everything the unit touches, one MULTI/EXEC writing the new state, the records'
"seen" marks, the staged ``agri.field.status``/``agri.alarms`` events and the SQL records they
imply (records queue). A unit whose write fails changes nothing and is processed again in full.
Output ids derive from the reading (status) or the alarm and its version.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import partial
from typing import Any

from prometheus_client import Counter, Histogram
from zezhou5g.agri.v1 import agri_pb2
from zezhou5g.platform.batches import Item, by_record, empty_batches, expand, units
from zezhou5g.platform.events import ConsumedEvent
from zezhou5g.platform.kafka import RejectEvent
from zezhou5g.platform.outbox import RedisOutbox, RedisUnit, derived_id
from zezhou5g.platform.validation import present_fields

from agri.adapters.alarm_store import AlarmStore
from agri.adapters.field_state import FieldSnapshot, FieldState, encode_device
from agri.adapters.records_queue import RecordEntry, RecordsQueue
from agri.app.alarms import AlarmChanges
from agri.app.errors import split_invalid
from agri.domain import gdd as gddlib
from agri.domain.alarms import Severity, highest
from agri.domain.episodes import Gate, aggregate, gate
from agri.domain.eventtime import event_time_violation, is_live, silence_gap
from agri.domain.farm import Farm, FieldInfo
from agri.domain.history import fold
from agri.domain.profiles import DEFAULT_RANGES, HEALTH_METRICS, is_late, saturated, violations
from agri.domain.rules import LOW_BATTERY, SENSOR_SILENT, RuleSet
from agri.topics import FIELD_STATUS, TELEMETRY

METRICS = tuple(DEFAULT_RANGES)
# Longest span of event time one field snapshot of a gateway's record covers, seconds.
SNAPSHOT_S = 60.0
LATE = Counter("agri_readings_late_total", "Readings not newer than the device's last one")
SATURATED = Counter("agri_readings_saturated_total",
                    "Values at the sensor's saturation value (flagged, not used)", ["metric"])
READING_TO_DECISION = Histogram(
    "agri_reading_to_decision_seconds", "Reading event time to rules evaluated",
    buckets=(0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10))


def status_event_id(*cause: str) -> str:
    """The id of the ``FieldStatus`` that ``cause`` produced.

    A reading alone: its event id; a gateway's record: the record's id and the field.
    """
    return derived_id("agri.field-status", *cause)


def _event_time(reading: agri_pb2.SensorReading, arrived: datetime) -> datetime:
    if reading.meta.HasField("event_time"):
        return reading.meta.event_time.ToDatetime(tzinfo=UTC)
    return arrived


def _parse_sensors(sensors: dict[str, str]) -> dict[str, dict[str, tuple[float, float]]]:
    """``metric|device`` → ``event_s,value`` as metric → device → (event s, value)."""
    per: dict[str, dict[str, tuple[float, float]]] = {}
    for key, text in sensors.items():
        metric, _, device = key.partition("|")
        t, v = text.split(",")
        per.setdefault(metric, {})[device] = (float(t), float(v))
    return per


def usable_values(reading: agri_pb2.SensorReading, farm: Farm) -> tuple[dict[str, float | None],
                                                                        list[str]]:
    """Metric → value with saturated values removed, and the saturated metrics (flagged)."""
    values = present_fields(reading, list(METRICS))
    flagged = sorted(set(saturated(values, farm.profile_of(reading.device_id)))
                     | {m for m in reading.saturated if m in values})
    for m in flagged:
        values[m] = None
    return values, flagged


@dataclass(slots=True)
class _Shown:
    """What one reading's ``FieldStatus`` shows (built only if it is published or stored)."""

    reading: agri_pb2.SensorReading
    event_id: str
    total: int
    latest: dict[str, float]
    when: datetime
    shown: dict[str, Any]

    def build(self) -> agri_pb2.FieldStatus:
        status = agri_pb2.FieldStatus(field_id=self.reading.field_id, readings_total=self.total,
                                      **self.shown)
        status.latest.CopyFrom(self.reading)
        status.latest.meta.event_id = self.event_id   # the reading this status answers
        for k, v in self.latest.items():
            setattr(status.latest, k, v)
        status.meta.event_time.FromDatetime(self.when)
        return status


@dataclass(slots=True)
class _Snapshot:
    """A field's readings of one round in a gateway's record, evaluated together."""

    batch_id: str | None
    first_t: float
    devices: set[str]
    event: ConsumedEvent        # the last reading: the status shows it, alarms cite it
    when: datetime
    updates: dict[str, Any]     # the measured values to store for the field
    air: tuple[datetime, float] | None = None   # the last air temperature and its time


@dataclass
class _Poll:
    """One unit's reads, updated in memory as its readings apply, and what it will write."""

    state: FieldSnapshot
    alarms: AlarmChanges
    entry: RecordEntry = field(default_factory=RecordEntry)
    devices: dict[str, tuple[str, str, float | None]] = field(default_factory=dict)
    field_writes: dict[str, dict[str, Any]] = field(default_factory=dict)
    counts: dict[str, int] = field(default_factory=dict)
    # Field → what its latest status will show; (cause id, field) → the status to publish, in
    # order (built at the end: a gateway's record publishes only each field's last).
    latest: dict[str, _Shown] = field(default_factory=dict)
    statuses: dict[tuple[str, str], _Shown] = field(default_factory=dict)
    # Field → metric → device → (event s, value): the field's sensors, parsed once a unit.
    parsed: dict[str, dict[str, dict[str, tuple[float, float]]]] = field(default_factory=dict)
    late: int = 0
    saturated: list[str] = field(default_factory=list)
    event_times: list[float] = field(default_factory=list)
    # Field → the snapshot of a gateway's record not evaluated yet.
    pending: dict[str, _Snapshot] = field(default_factory=dict)


class Telemetry:
    """Turns ``SensorReading`` events into field state, alarms and ``FieldStatus`` events."""

    def __init__(self, outbox: RedisOutbox, state: FieldState, alarms: AlarmStore,
                 queue: RecordsQueue, farm: Farm, rules: RuleSet, max_skew_s: float = 300.0,
                 backlog_s: float = 30 * 86400.0) -> None:
        self.outbox = outbox
        self.state = state
        self.alarms = alarms
        self.queue = queue
        self.farm = farm
        self.rules = rules
        self.max_skew_s = max_skew_s
        self.backlog_s = backlog_s

    def handle(self, event: ConsumedEvent) -> None:
        """Kafka handler for one ``agri.telemetry`` event (raises RejectEvent when invalid)."""
        rejects = self.handle_batch([event])
        if rejects:
            raise RejectEvent(rejects[0])

    def check(self, reading: agri_pb2.SensorReading,
              usable: dict[int, tuple[dict[str, float | None], list[str]]] | None = None
              ) -> str | None:
        """Why ``reading`` is invalid, or None.

        ``usable``: where to keep the reading's usable values (by ``id(reading)``) for the
        unit that applies it, so they are worked out once.
        """
        if not reading.device_id or not reading.field_id:
            return "device_id and field_id are required"
        registered = self.farm.device_field.get(reading.device_id)
        if registered and registered != reading.field_id:
            return f"device {reading.device_id} belongs to {registered}, not {reading.field_id}"
        if reading.meta.HasField("event_time"):
            late = event_time_violation(reading.meta.event_time.ToNanoseconds() / 1e9,
                                        time.time(), self.max_skew_s, self.backlog_s)
            if late:
                return late
        values = usable_values(reading, self.farm)
        if usable is not None:
            usable[id(reading)] = values
        bad = violations(values[0], self.farm.profile_of(reading.device_id))
        return "; ".join(bad) if bad else None

    def handle_batch(self, events: Sequence[ConsumedEvent]) -> dict[int, str]:
        """Process readings in order in one unit; returns index → reason for invalid records.

        A field gateway's record (``agri.telemetry.batches``) is opened here, in memory
        (:func:`~zezhou5g.platform.batches.expand`); it is deduplicated as one record, and
        with invalid readings refused whole though its valid readings are applied.
        """
        items = expand(events, agri_pb2.SensorReadingBatch, "readings", TELEMETRY,
                       "agri.reading", "reading")
        usable: dict[int, tuple[dict[str, float | None], list[str]]] = {}
        # A batch record without an id would give every batch the same reading ids.
        invalid = split_invalid([i.event._replace(event_id=i.record_id and i.event.event_id)
                                 for i in items], partial(self.check, usable=usable))[0]
        valid = [item for k, item in enumerate(items) if k not in invalid]
        rejects = by_record([(items[k], r) for k, r in invalid.items()],
                            empty_batches(events, agri_pb2.SensorReadingBatch, "readings"))
        if not valid:
            return rejects
        arrived = datetime.now(UTC)
        for unit_items in units(valid):
            poll = self.outbox.transact(partial(self._apply, items=unit_items, arrived=arrived,
                                                usable=usable),
                                        consumed=[i.record_id for i in unit_items],
                                        topic=TELEMETRY)
            # Counted once the unit committed (it may have run more than once).
            poll.alarms.count()
            LATE.inc(poll.late)
            for m in poll.saturated:
                SATURATED.labels(m).inc()
            now = time.time()
            for t in poll.event_times:
                READING_TO_DECISION.observe(max(0.0, now - t))
        return rejects

    def _apply(self, unit: RedisUnit, items: list[Item], arrived: datetime,
               usable: dict[int, tuple[dict[str, float | None], list[str]]]) -> _Poll:
        readings: list[agri_pb2.SensorReading] = [i.event.message for i in items]  # type: ignore[misc]
        where = {r.device_id: r.field_id for r in readings}
        devices = sorted(where)
        fields = sorted(set(where.values()))
        snapshot = self.state.read(unit, where, fields)
        known = set(snapshot.device_t)
        poll = _Poll(snapshot, AlarmChanges(self.alarms.read_current(unit, devices + fields)))
        done: set[str] = set()
        record = None
        for item in items:   # a copy delivered twice in one poll counts once
            event = item.event
            if item.record != record:       # a record's snapshots are evaluated by its end
                self._evaluate_pending(poll)
                record = item.record
            if unit.fresh(item.record_id) and event.event_id not in done:
                done.add(event.event_id)
                self._reading(event, poll, arrived, item.record_id if item.batched else None,
                              usable.get(id(event.message)))
        self._evaluate_pending(poll)
        self.state.stage_devices(unit, poll.devices, known)
        built = {id(shown): shown.build() for shown in (*poll.latest.values(),
                                                        *poll.statuses.values())}
        for fid, shown in poll.latest.items():
            self.state.stage_field(unit, fid, poll.field_writes.get(fid, {}),
                                   snapshot.sensors[fid], snapshot.gates[fid],
                                   poll.counts.get(fid, 0), built[id(shown)])
        poll.alarms.stage(unit, self.alarms, poll.entry)
        self.queue.stage(unit, poll.entry)
        for (cause, fid), shown in poll.statuses.items():
            status_id = status_event_id(cause, fid) if fid else status_event_id(cause)
            unit.emit(FIELD_STATUS, built[id(shown)], shown.reading.field_id, status_id)
        return poll

    def _reading(self, event: ConsumedEvent, p: _Poll, arrived: datetime,
                 batch_id: str | None,
                 usable: tuple[dict[str, float | None], list[str]] | None) -> None:
        """Apply one reading; ``batch_id``: the gateway record it came in (None: alone).

        ``usable``: its usable values as :meth:`check` found them (None: work them out).
        """
        reading: agri_pb2.SensorReading = event.message  # type: ignore[assignment]
        values, flagged = usable or usable_values(reading, self.farm)
        p.saturated += flagged
        when = _event_time(reading, arrived)
        t = when.timestamp()
        device, fid = reading.device_id, reading.field_id
        fold(p.entry.buckets, device, t, values)          # buckets by event time, late ones too
        last = p.state.device_t.get(device)
        if is_late(when, datetime.fromtimestamp(last, UTC) if last is not None else None):
            p.late += 1
            return
        snap = p.pending.get(fid)
        if snap is not None and (snap.batch_id != batch_id or device in snap.devices
                                 or abs(t - snap.first_t) > SNAPSHOT_S):
            self._evaluate(fid, p.pending.pop(fid), p)   # the field before this reading
            snap = None
        now = time.time()
        profile = self.farm.profile_of(device)
        p.state.device_t[device] = t
        health = {k: v for k in HEALTH_METRICS if (v := values.get(k)) is not None}
        measured = {k: v for k, v in values.items() if v is not None and k not in HEALTH_METRICS}
        # Live devices are watched on the wall clock; a backfill is judged by event time only.
        silent_at = t + profile.silent_after_s if is_live(t, now, profile.silent_after_s) else None
        p.devices[device] = (fid, encode_device(t, now, ",".join(flagged), health), silent_at)
        gap = silence_gap(last, t, profile.silent_after_s)
        self._device_alarms(event.event_id, device, fid, values.get("battery_pct"), when, p,
                            gap, profile.interval_s)
        field_raw = p.state.values.setdefault(fid, {})
        field_raw.update({k: str(v) for k, v in measured.items()})
        sensors = p.state.sensors[fid]
        parsed = p.parsed.get(fid)
        if parsed is None:
            parsed = p.parsed[fid] = _parse_sensors(sensors)
        for k, v in measured.items():
            sensors[f"{k}|{device}"] = f"{t!r},{v!r}"
            parsed.setdefault(k, {})[device] = (t, v)
        p.state.totals[fid] += 1
        p.counts[fid] = p.counts.get(fid, 0) + 1
        p.event_times.append(t)
        air = values.get("air_temp_c")
        if snap is None:
            snap = _Snapshot(batch_id, t, set(), event, when, {})
            if batch_id is not None:
                p.pending[fid] = snap
        snap.devices.add(device)
        snap.event, snap.when = event, when
        snap.updates.update(measured)
        if air is not None:
            snap.air = (when, air)
        if batch_id is None:
            self._evaluate(fid, snap, p)

    def _evaluate_pending(self, p: _Poll) -> None:
        for fid, snap in p.pending.items():
            self._evaluate(fid, snap, p)
        p.pending.clear()

    def _evaluate(self, fid: str, snap: _Snapshot, p: _Poll) -> None:
        """Run the rules on field ``fid`` after ``snap``'s readings; stage what it shows."""
        event = snap.event
        reading: agri_pb2.SensorReading = event.message  # type: ignore[assignment]
        field_raw = p.state.values[fid]
        latest = {k: float(v) for k, v in field_raw.items() if k in METRICS}
        latest |= self._aggregates(p.parsed[fid], snap.when.timestamp())
        shown = _Shown(reading, event.event_id, p.state.totals[fid], latest, snap.when, {})
        update: dict[str, Any] = dict(snap.updates)
        info = self.farm.fields.get(fid)
        if info is not None:
            gdd = self._rules(event.event_id, shown.shown, info, latest, snap.air, field_raw,
                              snap.when, p)
            field_raw.update({k: str(v) for k, v in gdd.items()})
            update |= gdd
        p.field_writes.setdefault(fid, {}).update(update)
        p.latest[fid] = shown
        if snap.batch_id is None:
            p.statuses[(event.event_id, "")] = shown
        else:
            # A gateway's record yields one status per field it touched: the field's last.
            p.statuses.pop((snap.batch_id, fid), None)
            p.statuses[(snap.batch_id, fid)] = shown

    def _aggregates(self, per: dict[str, dict[str, tuple[float, float]]], now_s: float
                    ) -> dict[str, float]:
        """Field value per metric: the rule file's aggregate over the field's sensors."""
        out = {}
        for metric, latest in per.items():
            value = aggregate(latest, self.rules.aggregate_of(metric), now_s)
            if value is not None:
                out[metric] = value
        return out

    def _device_alarms(self, cause: str, device: str, fid: str, battery: float | None,
                       when: datetime, p: _Poll, gap: tuple[float, float] | None,
                       interval_s: float) -> None:
        alarms = p.alarms
        silent = alarms.current.get(device, {}).get(SENSOR_SILENT)
        if gap is not None and not (silent and silent.active):
            # A gap in event time: one SENSOR_SILENT for the gap, closed by this reading.
            alarms.apply(device, SENSOR_SILENT, Severity.MAJOR, False,
                         datetime.fromtimestamp(gap[0], UTC), fid,
                         {"silent_s": round(gap[1] - gap[0] + 0.0, 1), "interval_s": interval_s,
                          "by": "event_time"}, cause=cause)
        alarms.apply(device, SENSOR_SILENT, None, True, when, fid, cause=cause)
        if battery is not None:
            low = battery < self.rules.low_battery_pct
            alarms.apply(device, LOW_BATTERY, Severity.MINOR if low else None, not low, when, fid,
                         {"battery_pct": battery}, cause=cause)

    def _rules(self, cause: str, shown: dict[str, Any], info: FieldInfo,
               latest: dict[str, float], air: tuple[datetime, float] | None,
               field_raw: dict[str, str], when: datetime, p: _Poll) -> dict[str, float]:
        """Run the rules; returns the field-state values to store (degree-day state).

        ``air``: the snapshot's last air temperature and its time (degree days accumulate on
        it). What the field's status shows goes into ``shown`` (``FieldStatus`` fields).
        """
        update: dict[str, float] = {}
        crop = self.rules.crops[info.crop]
        prev = None
        if "gdd_season" in field_raw:
            prev = gddlib.GddState(int(field_raw["gdd_season"]), float(field_raw["gdd"]),
                                   datetime.fromtimestamp(float(field_raw["gdd_t"]), UTC),
                                   float(field_raw["gdd_temp"]))
        state = prev
        if air is not None:
            state = gddlib.accumulate(prev, air[0], air[1], season_start=crop.season_start)
            if state != prev and state.last_time is not None:
                update = {"gdd_season": state.season, "gdd": state.gdd,
                          "gdd_t": state.last_time.timestamp(), "gdd_temp": air[1]}
        shown["gdd"] = round(state.gdd, 2) if state else 0.0
        current = p.alarms.current.setdefault(info.id, {})
        gates = p.state.gates[info.id]
        active = {t for t, a in current.items() if a.active}
        for d in self.rules.evaluate(info.crop, info.stage, info.soil, latest, active):
            # Duration conditions and minimum duration, in event time.
            g = Gate.from_text(gates.get(d.alarm_type))
            live = current.get(d.alarm_type)
            if live is not None and live.active and g.active_since is None:
                g = Gate(active_since=live.start_time.timestamp())   # raised before gates
            g, action = gate(g, d.severity is not None, d.clear, when.timestamp(),
                             self.rules.timing_of(d.alarm_type))
            gates[d.alarm_type] = g.to_text()
            if action == "keep":
                continue
            p.alarms.apply(info.id, d.alarm_type, d.severity if action == "raise" else None,
                           action == "clear", when, info.id, dict(d.details or {}), cause=cause)
        water = self.rules.soil_water(info.crop, info.soil)
        shown["crop"], shown["stage"] = info.crop, info.stage
        shown["taw_mm"], shown["raw_mm"] = round(water.taw_mm, 1), round(water.raw_mm, 1)
        vwc = latest.get("soil_moisture_vwc")
        if vwc is not None:
            shown["depletion_mm"] = round(water.depletion_mm(vwc), 1)
        top = highest(list(current.values()))
        shown["severity"] = int(top) if top else 0
        return update

