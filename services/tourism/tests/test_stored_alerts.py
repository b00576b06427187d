"""Alerts an older version stored in Redis are read, their replaced fields carried over."""

import json

import pytest
from google.protobuf import json_format
from tourism.adapters.flow_store import _alert
from zezhou5g.platform.stored import parse_stored
from zezhou5g.tourism.v1 import flow_pb2


def test_a_replaced_field_is_mapped_and_unknown_ones_dropped():
    old = {"alertId": "a1", "zoneId": "z", "state": "cleared", "level": "crowded",
           "crowdLevel": "CROWD_LEVEL_BUSY", "count": 40, "someFieldOfTheFuture": 3}
    alert = _alert(json.dumps(old))
    assert (alert.alert_id, alert.alert_state, alert.crowd_level, alert.count) == (
        "a1", flow_pb2.ZONE_ALERT_STATE_CLEARED, flow_pb2.CROWD_LEVEL_BUSY, 40)
    with pytest.raises(json_format.ParseError):  # what the services did before
        json_format.Parse(json.dumps(old), flow_pb2.ZoneAlert())


def test_the_successor_wins_and_an_unknown_old_value_is_dropped():
    both = {"alertId": "a2", "state": "cleared", "alertState": "ZONE_ALERT_STATE_RAISED"}
    assert _alert(json.dumps(both)).alert_state == flow_pb2.ZONE_ALERT_STATE_RAISED
    odd = {"alertId": "a3", "state": "half-raised"}
    assert _alert(json.dumps(odd)).alert_state == flow_pb2.ZONE_ALERT_STATE_UNSPECIFIED


def test_current_messages_round_trip_and_garbage_is_refused():
    alert = flow_pb2.ZoneAlert(alert_id="a4", alert_state=flow_pb2.ZONE_ALERT_STATE_RAISED)
    assert _alert(json_format.MessageToJson(alert)) == alert
    with pytest.raises(json_format.ParseError, match="not a JSON object"):
        parse_stored("[1, 2]", flow_pb2.ZoneAlert())
    with pytest.raises(json_format.ParseError):
        parse_stored('{"count": "many"}', flow_pb2.ZoneAlert())
