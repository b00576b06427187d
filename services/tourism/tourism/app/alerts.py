"""Crowding alerts for the operators: pages of them, and acknowledging an active one.

Alerts are raised and cleared by the camera flow (:mod:`tourism.app.flow`); here an operator
takes one on. The acknowledgement and its ``tourism.zone.alerts`` event (id derived from the
alert id) commit in one unit; acknowledging again returns the stored alert, whose event was
staged with the first acknowledgement.
"""

from __future__ import annotations

from collections.abc import Collection

from zezhou5g.platform.outbox import RedisOutbox, RedisUnit, derived_id
from zezhou5g.tourism.v1 import flow_pb2

from tourism.adapters.flow_store import FlowStore, FlowWrites
from tourism.app.errors import NotAllowed, NotFound, NotNow
from tourism.topics import ZONE_ALERTS

KINDS = ("all", "open", "cleared")


def alert_event_id(alert_id: str, change: str) -> str:
    """The event id of an alert's ``change`` ("raised", "cleared", "acknowledged")."""
    return derived_id(ZONE_ALERTS, alert_id, change)


class Alerts:
    """``ListAlerts`` and ``AcknowledgeAlert``."""

    def __init__(self, store: FlowStore, outbox: RedisOutbox) -> None:
        self.store = store
        self.outbox = outbox

    def page(self, kind: str, limit: int, offset: int) -> tuple[list[flow_pb2.ZoneAlert], int]:
        """One page of alerts, newest first, and how many of that ``kind`` there are."""
        return self.store.alerts_page(kind, min(limit or 50, 500), max(offset, 0))

    def acknowledge(self, alert_id: str, by: str,
                    areas: Collection[str] | None) -> flow_pb2.ZoneAlert:
        """Acknowledge an active alert as ``by``; acknowledging twice keeps the first.

        Args:
            alert_id: the alert.
            by: the verified caller's subject.
            areas: the areas the caller may act on; None for every area.

        Raises:
            NotFound: no such alert.
            NotAllowed: the alert is of an area not in ``areas``.
            NotNow: the alert was cleared (history: nothing left to take on).
        """
        return self.outbox.transact(lambda unit: self._acknowledge(unit, alert_id, by, areas))

    def _acknowledge(self, unit: RedisUnit, alert_id: str, by: str,
                     areas: Collection[str] | None) -> flow_pb2.ZoneAlert:
        alert = self.store.read_alert(unit, alert_id)
        if alert is None:
            raise NotFound(f"no alert {alert_id!r}")
        if areas is not None and alert.area_id not in areas:
            raise NotAllowed("scope", f"alert of area {alert.area_id}, not one of yours")
        if alert.alert_state != flow_pb2.ZONE_ALERT_STATE_RAISED:
            raise NotNow(f"alert {alert_id} is cleared: only active alerts are "
                         "acknowledged")
        if alert.acknowledged:
            return alert
        alert.acknowledged, alert.acknowledged_by = True, by
        alert.acknowledged_at.GetCurrentTime()
        alert.ClearField("meta")
        unit.emit(ZONE_ALERTS, alert, alert.zone_id, alert_event_id(alert_id, "acknowledged"))
        self.store.stage(unit, FlowWrites(alerts=[alert]))
        return alert
