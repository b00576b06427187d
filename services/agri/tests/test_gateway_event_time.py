"""The gateway's device endpoint keeps the device's ``meta.event_time`` within bounds (issue 17):
an agri reading measured 2 h ago keeps that time; one 2 h ahead or 40 days old is refused."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from fastapi import HTTPException
from gateway.devices import _event_time
from zezhou5g.agri.v1 import agri_pb2


def _rfc3339(t: datetime) -> str:
    return t.strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def test_past_event_time_is_kept():
    past = datetime.now(UTC) - timedelta(hours=2)
    msg = agri_pb2.SensorReading(device_id="soil-e1-1", field_id="field-e1")
    _event_time({"meta": {"event_time": _rfc3339(past), "event_id": "ignored"}}, msg)
    assert msg.meta.event_time.ToDatetime(UTC) == past.replace(microsecond=past.microsecond)
    assert not msg.meta.event_id                 # only the time is taken from the device
    bare = agri_pb2.SensorReading(device_id="soil-e1-1")
    _event_time({}, bare)
    assert not bare.meta.HasField("event_time")  # stamped on arrival by the producer


@pytest.mark.parametrize(("offset", "reason"), [
    (timedelta(hours=2), "in the future"),
    (timedelta(days=-40), "days old"),
])
def test_out_of_bounds_event_time_is_refused_with_a_reason(offset, reason):
    msg = agri_pb2.SensorReading(device_id="soil-e1-1")
    with pytest.raises(HTTPException) as err:
        _event_time({"meta": {"event_time": _rfc3339(datetime.now(UTC) + offset)}}, msg)
    assert err.value.status_code == 422 and reason in str(err.value.detail)


def test_unparseable_event_time_is_refused():
    with pytest.raises(HTTPException) as err:
        _event_time({"meta": {"event_time": "yesterday"}}, agri_pb2.SensorReading())
    assert err.value.status_code == 422 and "RFC 3339" in str(err.value.detail)
