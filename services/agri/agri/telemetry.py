"""Handles field telemetry: validate, order, fold into field state, run the rules, publish.

Per reading: profile validation (rejects go to the DLQ with the reason), duplicate drop (event
id), late readings (not newer than the device's last) kept for history only; otherwise the
field's last valid value of each metric is updated (a reading without moisture keeps the last
moisture), degree days accumulate, the rules decide alarms, and ``FieldStatus`` is published.

Event time (``meta.event_time``, the device's measurement time) is bounded (see
:mod:`agri.domain.eventtime`), and drives ordering, buckets, silence gaps and the alarms' duration
conditions. Field rules see a field aggregate per metric (:mod:`agri.domain.episodes`) over the
latest reading of each of the field's sensors, not whichever sensor spoke last.

Readings are processed a Kafka batch at a time with two Redis round trips per batch: one read of
every key the batch touches, one transaction (MULTI/EXEC) writing the new state together with the
events' "seen" marks, so a batch whose write fails is processed again in full, never half.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import redis
from google.protobuf import json_format
from prometheus_client import Counter, Histogram
from zezhou5g.agri.v1 import agri_pb2
from zezhou5g.platform.events import ConsumedEvent
from zezhou5g.platform.kafka import EventProducer, RejectEvent
from zezhou5g.platform.latest import LatestStore
from zezhou5g.platform.metrics import EVENTS_DUPLICATE
from zezhou5g.platform.validation import present_fields

from agri.adapters.alarm_store import AlarmStore, from_json, to_json
from agri.adapters.history_store import HistoryStore
from agri.domain import gdd as gddlib
from agri.domain.alarms import Change, Severity, highest
from agri.domain.episodes import Gate, aggregate, gate
from agri.domain.eventtime import event_time_violation, is_live, silence_gap
from agri.domain.farm import Farm, FieldInfo
from agri.domain.profiles import DEFAULT_RANGES, HEALTH_METRICS, is_late, saturated, violations
from agri.domain.rules import LOW_BATTERY, SENSOR_SILENT, RuleSet
from agri.topics import FIELD_STATUS

METRICS = tuple(DEFAULT_RANGES)
SEEN_TTL_S = 7 * 24 * 3600     # as zezhou5g.platform.redis.first_seen: the broker's retention
LATE = Counter("agri_readings_late_total", "Readings not newer than the device's last one")
SATURATED = Counter("agri_readings_saturated_total",
                    "Values at the sensor's saturation value (flagged, not used)", ["metric"])
READING_TO_DECISION = Histogram(
    "agri_reading_to_decision_seconds", "Reading event time to rules evaluated",
    buckets=(0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10))


@dataclass
class _Batch:
    """What one batch read from Redis, updated in memory as its readings are applied."""

    seen: set[str]
    dev_t: dict[str, float]
    fields: dict[str, dict[str, str]]
    totals: dict[str, int]
    alarms: dict[str, dict[str, str]]
    sensors: dict[str, dict[str, str]]      # field → "metric|device" → "event_s,value"
    gates: dict[str, dict[str, str]]        # field → alarm type → Gate text
    unwatch: set[str] = field(default_factory=set)
    dev_writes: dict[str, dict[str, Any]] = field(default_factory=dict)
    deadlines: dict[str, float] = field(default_factory=dict)
    field_writes: dict[str, dict[str, Any]] = field(default_factory=dict)
    counts: dict[str, int] = field(default_factory=dict)
    latest: dict[str, agri_pb2.FieldStatus] = field(default_factory=dict)
    statuses: list[agri_pb2.FieldStatus] = field(default_factory=list)
    ids: list[str] = field(default_factory=list)


def _event_time(reading: agri_pb2.SensorReading) -> datetime:
    if reading.meta.HasField("event_time"):
        return reading.meta.event_time.ToDatetime(tzinfo=UTC)
    return datetime.now(UTC)


def usable_values(reading: agri_pb2.SensorReading, farm: Farm) -> tuple[dict[str, float | None],
                                                                        list[str]]:
    """Metric → value with saturated values removed, and the saturated metrics (flagged)."""
    values = present_fields(reading, list(METRICS))
    flagged = sorted(set(saturated(values, farm.profile_of(reading.device_id)))
                     | {m for m in reading.saturated if m in values})
    for m in flagged:
        values[m] = None
    return values, flagged


class TelemetryProcessor:
    """Turns ``SensorReading`` events into field state, alarms and ``FieldStatus`` events."""

    def __init__(self, client: redis.Redis, producer: EventProducer, farm: Farm, rules: RuleSet,
                 alarms: AlarmStore, history: HistoryStore, max_skew_s: float = 300.0,
                 backlog_s: float = 30 * 86400.0) -> None:
        self.client = client
        self.max_skew_s = max_skew_s
        self.backlog_s = backlog_s
        self.producer = producer
        self.farm = farm
        self.rules = rules
        self.alarms = alarms
        self.history = history
        self.fields: LatestStore[agri_pb2.FieldStatus] = LatestStore(
            client, "agri:field", agri_pb2.FieldStatus)

    def handle(self, event: ConsumedEvent) -> None:
        """Kafka handler for one ``agri.telemetry`` event (raises RejectEvent when invalid)."""
        rejects = self.handle_batch([event])
        if rejects:
            raise RejectEvent(rejects[0])

    def check(self, reading: agri_pb2.SensorReading) -> str | None:
        """Why ``reading`` is invalid, or None."""
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
        bad = violations(usable_values(reading, self.farm)[0],
                         self.farm.profile_of(reading.device_id))
        return "; ".join(bad) if bad else None

    def handle_batch(self, events: Sequence[ConsumedEvent]) -> dict[int, str]:
        """Process readings in order; returns index → reason for the invalid ones."""
        rejects: dict[int, str] = {}
        valid: list[ConsumedEvent] = []
        for i, event in enumerate(events):
            reason = self.check(event.message)  # type: ignore[arg-type]
            if reason:
                rejects[i] = reason
            else:
                valid.append(event)
        if not valid:
            return rejects
        batch = self._read(valid)
        for event in valid:
            self._apply(event, batch)
        self._write(batch)
        for status in batch.statuses:
            self.producer.publish(FIELD_STATUS, status, key=status.field_id)
        return rejects

    def _read(self, events: list[ConsumedEvent]) -> _Batch:
        readings = [e.message for e in events]
        devices = sorted({r.device_id for r in readings})  # type: ignore[attr-defined]
        fields = sorted({r.field_id for r in readings})  # type: ignore[attr-defined]
        pipe = self.client.pipeline(transaction=False)
        for e in events:
            pipe.exists(f"seen:{e.event_id}")
        for d in devices:
            pipe.hget(f"agri:dev:{d}", "t")
            pipe.hgetall(f"agri:alarms:{d}")
        for f in fields:
            pipe.hgetall(f"agri:fieldvals:{f}")
            pipe.get(f"agri:readings_total:{f}")
            pipe.hgetall(f"agri:alarms:{f}")
            pipe.hgetall(f"agri:fieldsensors:{f}")
            pipe.hgetall(f"agri:gates:{f}")
        out = iter(pipe.execute())
        seen = {e.event_id for e in events if next(out)}
        dev_t: dict[str, float] = {}
        alarms: dict[str, dict[str, str]] = {}
        for d in devices:
            t = next(out)
            if t:
                dev_t[d] = float(t)
            alarms[d] = next(out)
        fvals: dict[str, dict[str, str]] = {}
        totals: dict[str, int] = {}
        sensors: dict[str, dict[str, str]] = {}
        gates: dict[str, dict[str, str]] = {}
        for f in fields:
            fvals[f] = next(out)
            totals[f] = int(next(out) or 0)
            alarms[f] = next(out)
            sensors[f] = next(out)
            gates[f] = next(out)
        return _Batch(seen, dev_t, fvals, totals, alarms, sensors, gates)

    def _apply(self, event: ConsumedEvent, b: _Batch) -> None:
        reading: agri_pb2.SensorReading = event.message  # type: ignore[assignment]
        if event.event_id in b.seen:
            EVENTS_DUPLICATE.labels("agri", event.topic).inc()
            return
        b.seen.add(event.event_id)
        b.ids.append(event.event_id)
        values, flagged = usable_values(reading, self.farm)
        for m in flagged:
            SATURATED.labels(m).inc()
        when = _event_time(reading)
        t = when.timestamp()
        device, fid = reading.device_id, reading.field_id
        self.history.add(device, t, values)          # buckets by event time, late ones too
        last = b.dev_t.get(device)
        if is_late(when, datetime.fromtimestamp(last, UTC) if last is not None else None):
            LATE.inc()
            return
        now = time.time()
        profile = self.farm.profile_of(device)
        b.dev_t[device] = t
        health = {k: values[k] for k in HEALTH_METRICS if values.get(k) is not None}
        measured = {k: v for k, v in values.items() if v is not None and k not in HEALTH_METRICS}
        b.dev_writes[device] = {"t": t, "field": fid, "seen": now, "saturated": ",".join(flagged),
                                **health}
        if is_live(t, now, profile.silent_after_s):
            b.deadlines[device] = t + profile.silent_after_s    # watched on the wall clock
            b.unwatch.discard(device)
        else:
            b.deadlines.pop(device, None)                        # a backfill: event time only
            b.unwatch.add(device)
        gap = silence_gap(last, t, profile.silent_after_s)
        self._device_alarms(device, fid, values.get("battery_pct"), when, b, gap,
                            profile.interval_s)
        field_raw = b.fields[fid]
        field_raw.update({k: str(v) for k, v in measured.items()})
        sensors = b.sensors[fid]
        for k, v in measured.items():
            sensors[f"{k}|{device}"] = f"{t!r},{v!r}"
        latest = {k: float(v) for k, v in field_raw.items() if k in METRICS}
        latest |= self._aggregates(sensors, t)
        b.totals[fid] += 1
        b.counts[fid] = b.counts.get(fid, 0) + 1
        status = agri_pb2.FieldStatus(field_id=fid, readings_total=b.totals[fid])
        status.latest.CopyFrom(reading)
        for k, v in latest.items():
            setattr(status.latest, k, v)
        status.meta.event_time.CopyFrom(reading.meta.event_time)
        update: dict[str, Any] = dict(measured)
        info = self.farm.fields.get(fid)
        if info is not None:
            gdd = self._rules(status, info, latest, values.get("air_temp_c"), field_raw,
                              b.alarms[fid], when, b.gates[fid])
            field_raw.update({k: str(v) for k, v in gdd.items()})
            update |= gdd
        b.field_writes.setdefault(fid, {}).update(update)
        READING_TO_DECISION.observe(max(0.0, time.time() - when.timestamp()))
        b.latest[fid] = status
        b.statuses.append(status)

    def _aggregates(self, sensors: dict[str, str], now_s: float) -> dict[str, float]:
        """Field value per metric: the rule file's aggregate over the field's sensors."""
        per: dict[str, dict[str, tuple[float, float]]] = {}
        for key, text in sensors.items():
            metric, _, device = key.partition("|")
            t, v = text.split(",")
            per.setdefault(metric, {})[device] = (float(t), float(v))
        out = {}
        for metric, latest in per.items():
            value = aggregate(latest, self.rules.aggregate_of(metric), now_s)
            if value is not None:
                out[metric] = value
        return out

    def _device_alarms(self, device: str, fid: str, battery: float | None, when: datetime,
                       b: _Batch, gap: tuple[float, float] | None, interval_s: float) -> None:
        current = {t: from_json(v) for t, v in b.alarms[device].items()}
        changed = []
        silent = current.get(SENSOR_SILENT)
        if gap is not None and not (silent and silent.active):
            # A gap in event time: one SENSOR_SILENT for the gap, closed by this reading.
            silent = self.alarms.apply(
                device, SENSOR_SILENT, Severity.MAJOR, False,
                datetime.fromtimestamp(gap[0], UTC), fid,
                {"silent_s": round(gap[1] - gap[0] + 0.0, 1), "interval_s": interval_s,
                 "by": "event_time"}, current=silent, known=True)[0]
        changed.append(self.alarms.apply(device, SENSOR_SILENT, None, True, when, fid,
                                         current=silent, known=True)[0])
        if battery is not None:
            low = battery < self.rules.low_battery_pct
            changed.append(self.alarms.apply(
                device, LOW_BATTERY, Severity.MINOR if low else None, not low, when, fid,
                {"battery_pct": battery}, current=current.get(LOW_BATTERY), known=True)[0])
        for alarm in changed:
            if alarm is not None:
                b.alarms[device][alarm.type] = to_json(alarm)

    def _write(self, b: _Batch) -> None:
        pipe = self.client.pipeline(transaction=True)
        for event_id in b.ids:
            pipe.set(f"seen:{event_id}", "1", ex=SEEN_TTL_S)
        for device, mapping in b.dev_writes.items():
            pipe.hset(f"agri:dev:{device}", mapping=mapping)  # type: ignore[arg-type]
        if b.deadlines:
            pipe.zadd("agri:device_deadline", b.deadlines)  # type: ignore[arg-type]
        if b.unwatch:
            pipe.zrem("agri:device_deadline", *sorted(b.unwatch))
        for fid, sensors in b.sensors.items():
            if sensors:
                pipe.hset(f"agri:fieldsensors:{fid}", mapping=sensors)  # type: ignore[arg-type]
        for fid, gates in b.gates.items():
            if gates:
                pipe.hset(f"agri:gates:{fid}", mapping=gates)  # type: ignore[arg-type]
        for fid, mapping in b.field_writes.items():
            if mapping:
                pipe.hset(f"agri:fieldvals:{fid}", mapping=mapping)  # type: ignore[arg-type]
        for fid, n in b.counts.items():
            pipe.incrby(f"agri:readings_total:{fid}", n)
        # The same keys as LatestStore.put.
        for fid, status in b.latest.items():
            pipe.set(f"agri:field:{fid}", json_format.MessageToJson(status, indent=None))
            pipe.sadd("agri:field:keys", fid)
        pipe.execute()

    def _rules(self, status: agri_pb2.FieldStatus, info: FieldInfo, latest: dict[str, float],
               fresh_air: float | None, field_raw: dict[str, str],
               alarms_raw: dict[str, str], when: datetime,
               gates: dict[str, str]) -> dict[str, float]:
        """Run the rules; returns the field-state values to store (degree-day state)."""
        update: dict[str, float] = {}
        crop = self.rules.crops[info.crop]
        prev = None
        if "gdd_season" in field_raw:
            prev = gddlib.GddState(int(field_raw["gdd_season"]), float(field_raw["gdd"]),
                                   datetime.fromtimestamp(float(field_raw["gdd_t"]), UTC),
                                   float(field_raw["gdd_temp"]))
        state = prev
        if fresh_air is not None:
            state = gddlib.accumulate(prev, when, fresh_air, season_start=crop.season_start)
            if state != prev and state.last_time is not None:
                update = {"gdd_season": state.season, "gdd": state.gdd,
                          "gdd_t": state.last_time.timestamp(), "gdd_temp": fresh_air}
        status.gdd = round(state.gdd, 2) if state else 0.0
        current = {t: from_json(v) for t, v in alarms_raw.items()}
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
            alarm, change = self.alarms.apply(info.id, d.alarm_type,
                                              d.severity if action == "raise" else None,
                                              action == "clear", when, info.id,
                                              dict(d.details or {}),
                                              current=current.get(d.alarm_type), known=True)
            if alarm is not None and change is not Change.NONE:
                current[d.alarm_type] = alarm
                alarms_raw[d.alarm_type] = to_json(alarm)
        water = self.rules.soil_water(info.crop, info.soil)
        status.crop, status.stage = info.crop, info.stage
        status.taw_mm, status.raw_mm = round(water.taw_mm, 1), round(water.raw_mm, 1)
        vwc = latest.get("soil_moisture_vwc")
        if vwc is not None:
            status.depletion_mm = round(water.depletion_mm(vwc), 1)
        top = highest(list(current.values()))
        status.severity = int(top) if top else 0  # type: ignore[assignment]
        return update
