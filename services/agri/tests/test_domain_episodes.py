"""Alarm episodes (duration conditions, minimum duration, aggregates), event-time bounds, ranges
by medium and saturation: tables, plus two real-log checks (Québec soil logs, Cabral 2023,
Zenodo 10.5281/zenodo.7948797, shared/testdata/soil_quebec) and the demo simulator over
simulated time."""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

import pytest
from agri.domain import farm as farmlib
from agri.domain import rules as ruleslib
from agri.domain.episodes import Aggregate, Gate, Timing, aggregate, episodes, gate, repeat_due
from agri.domain.eventtime import event_time_violation, is_live, silence_gap
from agri.domain.profiles import saturated, violations
from agri.importer.__main__ import load_mapping
from agri.importer.rows import Report, readings
from simulators.agri import TICKS_PER_DAY, SoilReplay
from zezhou5g.platform import paths

HERE = Path(__file__).resolve().parents[1] / "agri"
RULES = ruleslib.load(HERE / "rules.yaml")
FARM = farmlib.load(HERE / "farm.yaml")
T = Timing(raise_after_s=900, clear_after_s=600, min_active_s=1800)


def _run(verdicts: list[tuple[float, str]], timing: Timing = T) -> list[str]:
    state, actions = Gate(), []
    for t, v in verdicts:
        state, action = gate(state, v == "up", v == "down", t, timing)
        actions.append(action)
    return actions


@pytest.mark.parametrize(("verdicts", "expected"), [
    # below the threshold for 15 min before it raises
    ([(0, "up"), (600, "up"), (900, "up")], ["keep", "keep", "raise"]),
    # the wait restarts when the condition lapses (band or clear) in between
    ([(0, "up"), (600, "band"), (700, "up"), (1500, "up"), (1600, "up")],
     ["keep", "keep", "keep", "keep", "raise"]),
    # raised at 0 (no wait): a clear 300 s later is held (min duration 1800, clear after 600)
    ([(0, "up"), (300, "down"), (1000, "down"), (1800, "down")],
     ["raise", "keep", "keep", "clear"]),
    # a return into the band restarts the clear wait
    ([(0, "up"), (1900, "down"), (2200, "band"), (2300, "down"), (2800, "down"), (2900, "down")],
     ["raise", "keep", "keep", "keep", "keep", "clear"]),
])
def test_gate_table(verdicts, expected):
    # the first two rows wait 15 min to raise; the others raise at once and test the clearing
    timing = T if expected[0] == "keep" else Timing(clear_after_s=600, min_active_s=1800)
    assert _run(verdicts, timing) == expected


def test_gate_text_round_trip_and_repeat():
    g = Gate(pending_since=None, clear_since=12.5, active_since=3.0)
    assert Gate.from_text(g.to_text()) == g and Gate.from_text("") == Gate()
    assert not repeat_due(0, 899, Timing(repeat_every_s=900))
    assert repeat_due(0, 900, Timing(repeat_every_s=900))
    assert not repeat_due(0, 10**9, Timing())


@pytest.mark.parametrize(("fn", "value"), [("min", 0.10), ("mean", 0.15), ("max", 0.20)])
def test_aggregate_over_fresh_sensors(fn, value):
    latest = {"a": (1000.0, 0.10), "b": (1000.0, 0.20), "stale": (0.0, 0.90)}
    assert aggregate(latest, Aggregate("soil_moisture_vwc", fn, 600), 1200) == pytest.approx(value)
    assert aggregate(latest, Aggregate("soil_moisture_vwc", fn, 60), 5000) is None


def test_event_time_bounds_and_gaps():
    now = 1_800_000_000.0
    assert event_time_violation(now + 299, now) is None
    assert "in the future" in (event_time_violation(now + 3600, now) or "")
    assert "days old" in (event_time_violation(now - 31 * 86400, now) or "")
    assert event_time_violation(now - 29 * 86400, now) is None
    assert silence_gap(None, now, 2700) is None and silence_gap(now - 2700, now, 2700) is None
    assert silence_gap(now - 8 * 86400, now, 3 * 86400) == (now - 5 * 86400, now)
    assert is_live(now - 10, now, 2700) and not is_live(now - 3 * 86400, now, 2700)


def test_ranges_by_medium_and_saturation():
    mineral, substrate = FARM.profiles["soil-probe"], FARM.profiles["substrate-probe"]
    assert violations({"soil_moisture_vwc": 0.91}, mineral)
    assert not violations({"soil_moisture_vwc": 0.91}, substrate)
    clover = FARM.profiles["tektelic-clover"]
    assert saturated({"light_lux": 65535.0, "air_humidity_pct": 60.0}, clover) == ["light_lux"]
    assert saturated({"light_lux": 20000.0}, clover) == []


def _verdicts(series: list[tuple[float, float]]) -> list[tuple[float, bool, bool]]:
    """Irrigation verdicts of field-e1 (wheat on sandy loam) along a VWC series."""
    out, active = [], False
    info = FARM.fields["field-e1"]
    for t, vwc in series:
        (d,) = [x for x in RULES.evaluate(info.crop, info.stage, info.soil,
                                          {"soil_moisture_vwc": vwc},
                                          {ruleslib.IRRIGATION} if active else set())
                if x.alarm_type == ruleslib.IRRIGATION]
        out.append((t, d.severity is not None, d.clear))
        active = d.severity is not None or (active and not d.clear)
    return out


def test_two_sensors_on_one_field_give_one_episode_per_real_episode():
    """E1 has two 5TM probes (offset by a few % VWC): the field aggregate gives the episodes of
    the field's mean moisture, where "latest value wins" flips between the probes."""
    m = load_mapping(HERE / "importer" / "mappings" / "soil_quebec.toml")
    log = paths.testdata_dir() / "soil_quebec" / "state_vars_daily_20180701_20210630.csv"
    rs = [r for r in readings(log.read_text(encoding="utf-8-sig"), m, Report())
          if r.field_id == "field-e1" and r.HasField("soil_moisture_vwc")]
    per: dict[str, list[tuple[float, float]]] = defaultdict(list)
    for r in rs:
        per[r.device_id].append((r.meta.event_time.seconds, r.soil_moisture_vwc))
    both = {t for t, _ in per["soil-e1-1"]} & {t for t, _ in per["soil-e1-2"]}
    assert len(both) > 300
    timing = RULES.timing_of(ruleslib.IRRIGATION)
    agg = RULES.aggregate_of("soil_moisture_vwc")
    # The service's way: each reading updates that probe; the rule sees the field aggregate.
    latest: dict[str, tuple[float, float]] = {}
    field_series, flip_series = [], []
    for r in sorted(rs, key=lambda r: (r.meta.event_time.seconds, r.device_id)):
        t = r.meta.event_time.seconds + (0 if r.device_id == "soil-e1-1" else 60)
        if r.meta.event_time.seconds not in both:
            continue
        latest[r.device_id] = (t, r.soil_moisture_vwc)
        field_series.append((t, aggregate(latest, agg, t)))
        flip_series.append((t, r.soil_moisture_vwc))
    mean = {t: (dict(per["soil-e1-1"])[t] + dict(per["soil-e1-2"])[t]) / 2 for t in sorted(both)}
    truth = episodes(_verdicts(sorted(mean.items())), timing)
    got = episodes(_verdicts(field_series), timing)   # type: ignore[arg-type]
    flips = episodes(_verdicts(flip_series), Timing())
    assert truth and len(got) == len(truth)
    assert len(flips) > len(truth), (len(truth), len(flips))  # the old "latest value wins"
    print(f"episodes: mean {len(truth)}, aggregate {len(got)}, latest-wins {len(flips)}")


def test_demo_simulator_gives_no_alarm_shorter_than_its_minimum():
    """30 simulated days of the demo (a tick = 15 min of event time) through the rule engine."""
    sim = SoilReplay()
    latest: dict[str, dict[str, tuple[float, float]]] = defaultdict(dict)
    state: dict[tuple[str, str], Gate] = {}
    active: dict[tuple[str, str], float] = {}
    lengths: dict[str, list[float]] = defaultdict(list)
    for tick in range(30 * TICKS_PER_DAY):
        t = tick * 900.0
        for topic, msg, _ in sim.tick(None):  # type: ignore[arg-type]
            if topic != "agri.telemetry":
                continue
            info = FARM.fields[msg.field_id]
            for metric in ("soil_moisture_vwc", "air_temp_c"):
                if msg.HasField(metric):
                    latest[info.id][metric] = (t, getattr(msg, metric))
            values = {k: aggregate({"d": v}, RULES.aggregate_of(k), t)
                      for k, v in latest[info.id].items()}
            on = {a for (f, a) in active if f == info.id}
            for d in RULES.evaluate(info.crop, info.stage, info.soil, values, on):
                key = (info.id, d.alarm_type)
                state[key], action = gate(state.get(key, Gate()), d.severity is not None,
                                          d.clear, t, RULES.timing_of(d.alarm_type))
                if action == "raise" and key not in active:
                    active[key] = t
                elif action == "clear" and key in active:
                    lengths[d.alarm_type].append(t - active.pop(key))
    assert lengths[ruleslib.FROST], "the demo's frost nights raise and clear"
    for alarm_type, durations in lengths.items():
        assert min(durations) >= RULES.timing_of(alarm_type).min_active_s, alarm_type
    assert all(len(v) < 30 * 3 for v in lengths.values())   # not flapping


def test_unacknowledged_critical_alarms_are_repeated_and_counted():
    from datetime import UTC, datetime, timedelta

    from agri.domain.alarms import Change, Severity, ack_alarm, raise_alarm, repeat_alarm
    t0 = datetime(2026, 4, 20, 4, tzinfo=UTC)
    crit, _ = raise_alarm(None, new_id="f1", originator="field-e1", alarm_type="FROST",
                          severity=Severity.CRITICAL, now=t0)
    again, change = repeat_alarm(crit, t0 + timedelta(minutes=15))
    assert change is Change.REPEATED and again.notify_count == 2
    assert again.notified_at == t0 + timedelta(minutes=15)
    acked, _ = ack_alarm(again, "farmer-zhao", t0 + timedelta(minutes=20))
    assert repeat_alarm(acked, t0 + timedelta(minutes=30))[1] is Change.NONE
    major, _ = raise_alarm(None, new_id="f2", originator="field-e2", alarm_type="FROST",
                           severity=Severity.MAJOR, now=t0)
    assert repeat_alarm(major, t0 + timedelta(hours=1))[1] is Change.NONE
    timing = RULES.timing_of(ruleslib.FROST)
    assert timing.repeat_every_s == 900
    assert repeat_due(again.notified_at.timestamp(), again.notified_at.timestamp() + 900, timing)
