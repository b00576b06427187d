"""Acknowledging an alert (app/alerts.py) on the real Redis and broker: only active alerts,
only in the caller's areas, once — a retry returns the stored acknowledgement, and its event
goes out even when the service died between storing and publishing it."""

import time
import uuid

import pytest
from tourism.adapters.flow_store import FlowStore
from tourism.app.alerts import Alerts, alert_event_id
from tourism.app.errors import NotAllowed, NotFound, NotNow
from tourism.topics import ZONE_ALERTS
from zezhou5g.platform.outbox import RedisOutbox
from zezhou5g.tourism.v1 import flow_pb2


def raised(store: FlowStore, area: str = "jueshan") -> flow_pb2.ZoneAlert:
    a = flow_pb2.ZoneAlert(alert_id=f"al-{uuid.uuid4().hex[:8]}", zone_id=f"z-{area}",
                           area_id=area, alert_state=flow_pb2.ZONE_ALERT_STATE_RAISED,
                           count=9, capacity=8, occupancy=1.1)
    a.raised_at.FromSeconds(int(time.time()))
    store.put_alert(a)
    return a


def test_acknowledged_once_by_the_first_and_only_when_active(redis_client, outbox, published):
    store = FlowStore(redis_client)
    alerts = Alerts(store, outbox)
    alert = raised(store)
    with pytest.raises(NotAllowed):
        alerts.acknowledge(alert.alert_id, "dayang-ops", ("dayang",))
    assert not store.alert(alert.alert_id).acknowledged
    first = alerts.acknowledge(alert.alert_id, "jueshan-ops", ("jueshan",))
    again = alerts.acknowledge(alert.alert_id, "admin", None)
    assert (again.acknowledged_by, again.meta.event_id) == (
        "jueshan-ops", alert_event_id(alert.alert_id, "acknowledged"))
    assert again == first == store.alert(alert.alert_id)
    got = published(ZONE_ALERTS, lambda m: m.alert_id == alert.alert_id, 1)
    assert [(m.acknowledged_by, m.meta.event_id) for m in got] == [
        ("jueshan-ops", first.meta.event_id)]
    cleared = store.alert(alert.alert_id)
    cleared.alert_state = flow_pb2.ZONE_ALERT_STATE_CLEARED
    store.put_alert(cleared)
    with pytest.raises(NotNow):
        alerts.acknowledge(alert.alert_id, "admin", None)
    with pytest.raises(NotFound):
        alerts.acknowledge("nope", "admin", None)


def test_a_retried_ack_after_a_crash_before_publishing_still_publishes(
        redis_client, producer, published):
    store = FlowStore(redis_client)
    crashed = RedisOutbox(redis_client, producer, "tourism", {ZONE_ALERTS: flow_pb2.ZoneAlert})
    crashed.send = lambda staged: None  # type: ignore[method-assign]  # dies after EXEC
    alert = raised(store)
    stored = Alerts(store, crashed).acknowledge(alert.alert_id, "jueshan-ops", None)
    restarted = RedisOutbox(redis_client, producer, "tourism",
                            {ZONE_ALERTS: flow_pb2.ZoneAlert})
    assert restarted.start() == 1, "the acknowledgement's event was left staged"
    retried = Alerts(store, restarted).acknowledge(alert.alert_id, "jueshan-ops", None)
    assert retried == stored
    restarted.stop()
    got = published(ZONE_ALERTS, lambda m: m.alert_id == alert.alert_id, 1)
    assert [m.meta.event_id for m in got] == [alert_event_id(alert.alert_id, "acknowledged")]
