"""Levels leave the service as the proto's codes, each domain level as its own code."""

import pytest
from tourism.domain.comfort import comfort
from tourism.domain.crowding import AlertChange, Level
from tourism.wire import ALERT_STATES, COMFORT_LEVELS, crowd_level, level_of
from zezhou5g.tourism.v1 import flow_pb2, tourism_pb2


@pytest.mark.parametrize("lv", list(Level))
def test_every_crowding_level_has_its_code_and_back(lv: Level) -> None:
    code = crowd_level(lv)
    assert flow_pb2.CrowdLevel.Name(code) == f"CROWD_LEVEL_{lv.name}"
    assert level_of(code) is lv


def test_an_unknown_level_is_the_zero_code() -> None:
    assert crowd_level(None) == flow_pb2.CROWD_LEVEL_UNSPECIFIED
    assert level_of(flow_pb2.CROWD_LEVEL_UNSPECIFIED) is None
    # Every declared code but the zero value is some domain level.
    assert {crowd_level(lv) for lv in Level} == set(flow_pb2.CrowdLevel.values()) - {0}


@pytest.mark.parametrize(("args", "name"), [
    ((22, 50, 20, 45), "COMFORT_LEVEL_COMFORTABLE"),
    ((22, 50, 120, 45), "COMFORT_LEVEL_FAIR"),
    ((36, 80, 20, 45), "COMFORT_LEVEL_UNCOMFORTABLE"),
])
def test_comfort_levels_of_the_domain_are_declared_codes(args, name) -> None:
    assert tourism_pb2.ComfortLevel.Name(COMFORT_LEVELS[comfort(*args).level]) == name
    assert set(COMFORT_LEVELS.values()) == set(tourism_pb2.ComfortLevel.values()) - {0}


def test_alert_changes_have_states_both_declared() -> None:
    declared = {v.number for v in flow_pb2.ZoneAlertState.DESCRIPTOR.values if v.number}
    assert set(ALERT_STATES) == set(AlertChange) and set(ALERT_STATES.values()) == declared
