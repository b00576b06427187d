"""Rule file decisions and the ThingsBoard alarm life cycle."""

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from agri.domain import rules
from agri.domain.alarms import Change, Severity, Status, ack_alarm, clear_alarm, raise_alarm

RULES = rules.load(Path(__file__).resolve().parents[1] / "agri" / "rules.yaml")
T0 = datetime(2026, 4, 20, 2, tzinfo=UTC)


def _decide(crop, stage, values, active=frozenset()):
    return {d.alarm_type: d for d in RULES.evaluate(crop, stage, "sandy_loam", values,
                                                    set(active))}


@pytest.mark.parametrize(("stage", "air", "severity"), [
    ("flowering", 5.0, None),
    ("flowering", 2.0, Severity.WARNING),    # thresholds are inclusive
    ("flowering", 0.0, Severity.MAJOR),
    ("flowering", -1.0, Severity.CRITICAL),
    ("flowering", -6.0, Severity.CRITICAL),
    ("tillering", -6.0, Severity.WARNING),   # the same night hurts tillering wheat far less
    ("tillering", -1.0, None),
    ("jointing", -4.0, Severity.CRITICAL),
])
def test_frost_per_stage(stage, air, severity):
    d = _decide("winter_wheat", stage, {"air_temp_c": air})[rules.FROST]
    assert d.severity == severity
    assert d.clear is (severity is None)


@pytest.mark.parametrize(("air", "active", "severity", "clear"), [
    (2.5, True, None, False),    # inside the 1 °C hysteresis band: keep the alarm
    (3.0, True, None, False),
    (3.1, True, None, True),
    (2.5, False, None, True),    # no alarm to keep: nothing raised
])
def test_frost_clears_only_past_the_hysteresis(air, active, severity, clear):
    d = _decide("winter_wheat", "flowering", {"air_temp_c": air},
                {rules.FROST} if active else set())[rules.FROST]
    assert (d.severity, d.clear) == (severity, clear)


@pytest.mark.parametrize(("air", "severity"), [
    (29.9, None), (30.0, Severity.WARNING), (33.0, Severity.MAJOR), (36.0, Severity.CRITICAL)])
def test_heat_stress_at_flowering(air, severity):
    assert _decide("winter_wheat", "flowering", {"air_temp_c": air})[rules.HEAT].severity \
        == severity


@pytest.mark.parametrize(("vwc", "severity"), [
    (0.20, None),                 # Dr 18 mm < RAW 42.9 mm
    (0.158, Severity.MINOR),      # Dr 43.2 mm: just past RAW
    (0.14, Severity.MINOR),       # Dr 54 mm: stress (54 − 42.9) / 35.1 = 0.32
    (0.12, Severity.MAJOR),       # Dr 66 mm: stress 0.66
    (0.11, Severity.CRITICAL),    # Dr 72 mm: stress 0.83
])
def test_irrigation_need_from_depletion(vwc, severity):
    d = _decide("winter_wheat", "flowering", {"soil_moisture_vwc": vwc})[rules.IRRIGATION]
    assert d.severity == severity
    assert d.details["raw_mm"] == pytest.approx(42.9)


def test_explicit_irrigation_bands():
    water = RULES.soil_water("winter_wheat", "sandy_loam")
    # θ where stress = 0.4: Dr = 42.9 + 0.4·35.1 = 56.94 mm → θ = 0.23 − 0.0949 = 0.1351
    assert _decide("winter_wheat", "flowering", {"soil_moisture_vwc": 0.1352})[
        rules.IRRIGATION].severity == Severity.MINOR
    assert _decide("winter_wheat", "flowering", {"soil_moisture_vwc": 0.1350})[
        rules.IRRIGATION].severity == Severity.MAJOR
    assert water.stress_fraction(0.1350) > 0.4


def test_a_broken_rule_file_is_refused_with_the_reason():
    with pytest.raises(ValueError, match="crops"):
        rules.parse({"soils": {}, "irrigation_levels": {}})


def test_one_alarm_per_originator_and_type_with_severity_updated_in_place():
    a, change = raise_alarm(None, new_id="a1", originator="field-e1", alarm_type="FROST",
                            severity=Severity.WARNING, now=T0)
    assert (change, a.status) == (Change.CREATED, Status.ACTIVE_UNACK)
    b, change = raise_alarm(a, new_id="a2", originator="field-e1", alarm_type="FROST",
                            severity=Severity.WARNING, now=T0 + timedelta(minutes=15))
    assert (change, b.id, b.end_time) == (Change.NONE, "a1", T0 + timedelta(minutes=15))
    c, change = raise_alarm(b, new_id="a3", originator="field-e1", alarm_type="FROST",
                            severity=Severity.CRITICAL, now=T0 + timedelta(minutes=30))
    assert (change, c.id, c.severity) == (Change.SEVERITY_UPDATED, "a1", Severity.CRITICAL)
    d, change = ack_alarm(c, "agri-bureau", T0 + timedelta(minutes=31))
    assert (change, d.status, d.acked_by) == (Change.ACKED, Status.ACTIVE_ACK, "agri-bureau")
    assert ack_alarm(d, "x", T0)[1] == Change.NONE
    e, change = clear_alarm(d, T0 + timedelta(hours=3))
    assert (change, e.status) == (Change.CLEARED, Status.CLEARED_ACK)
    assert clear_alarm(e, T0 + timedelta(hours=4))[1] == Change.NONE   # cleared once
    f, change = raise_alarm(e, new_id="a4", originator="field-e1", alarm_type="FROST",
                            severity=Severity.MAJOR, now=T0 + timedelta(days=1))
    assert (change, f.id, f.status) == (Change.CREATED, "a4", Status.ACTIVE_UNACK)


def test_cleared_before_ack_becomes_cleared_unack_then_cleared_ack():
    a, _ = raise_alarm(None, new_id="a1", originator="soil-e1-1", alarm_type="SENSOR_SILENT",
                       severity=Severity.MAJOR, now=T0)
    b, _ = clear_alarm(a, T0 + timedelta(minutes=5))
    assert b is not None and b.status == Status.CLEARED_UNACK
    c, _ = ack_alarm(b, "agri-bureau", T0 + timedelta(minutes=6))
    assert c.status == Status.CLEARED_ACK
