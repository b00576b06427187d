"""The demo replay's frost night, run through the rule file and the alarm model (no I/O):
one critical frost alarm per affected field, cleared once in the morning."""

from datetime import UTC, datetime, timedelta
from pathlib import Path

from agri.domain import farm as farmlib
from agri.domain import rules
from agri.domain.alarms import Change, Severity, clear_alarm, raise_alarm
from simulators.agri import FROST_EVERY_DAYS, TICKS_PER_DAY, SoilReplay

HERE = Path(__file__).resolve().parents[1] / "agri"
RULES = rules.load(HERE / "rules.yaml")
FARM = farmlib.load(HERE / "farm.yaml")


def test_replayed_frost_night_raises_one_critical_alarm_per_affected_field():
    sim = SoilReplay()
    t0 = datetime(2026, 4, 20, tzinfo=UTC)
    current: dict[str, object] = {}
    created: dict[str, int] = {}
    cleared: dict[str, int] = {}
    worst: dict[str, Severity] = {}
    for tick in range(TICKS_PER_DAY * FROST_EVERY_DAYS + TICKS_PER_DAY // 2):
        now = t0 + timedelta(minutes=15 * tick)
        for topic, msg, _ in sim.tick(now):
            if topic != "agri.telemetry" or not msg.HasField("air_temp_c"):
                continue
            info = FARM.fields[msg.field_id]
            (d,) = [x for x in RULES.evaluate(info.crop, info.stage, info.soil,
                                              {"air_temp_c": msg.air_temp_c},
                                              {rules.FROST} if info.id in current else set())
                    if x.alarm_type == rules.FROST]
            alarm = current.get(info.id)
            if d.severity is not None:
                alarm, change = raise_alarm(alarm, new_id=f"{info.id}-{tick}",
                                            originator=info.id, alarm_type=rules.FROST,
                                            severity=d.severity, now=now)
                current[info.id] = alarm
                worst[info.id] = max(worst.get(info.id, d.severity), d.severity)
                created[info.id] = created.get(info.id, 0) + (change is Change.CREATED)
            elif d.clear and alarm is not None:
                _, change = clear_alarm(alarm, now)
                if change is Change.CLEARED:
                    cleared[info.id] = cleared.get(info.id, 0) + 1
                    del current[info.id]
    # Wheat in flower on the valley fields freezes (≤ −1 °C); the maize on the hill only
    # gets a warning (+1 °C); every alarm is raised once and cleared once after sunrise.
    assert worst == {"field-e1": Severity.CRITICAL, "field-e2": Severity.CRITICAL,
                     "field-e3": Severity.WARNING}
    assert created == {"field-e1": 1, "field-e2": 1, "field-e3": 1}
    assert cleared == {"field-e1": 1, "field-e2": 1, "field-e3": 1}
    assert current == {}
