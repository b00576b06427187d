"""Periodic work: silent devices and machines, repeated critical alarms, history, downsampling."""

from __future__ import annotations

import logging
import threading
import time
from datetime import UTC, datetime

import redis
from zezhou5g.platform.logging import log_fields

from agri.adapters.alarm_store import AlarmStore
from agri.adapters.dispatch_store import Dispatcher
from agri.adapters.history_store import HistoryStore
from agri.domain.alarms import Severity
from agri.domain.episodes import repeat_due
from agri.domain.farm import Farm
from agri.domain.rules import SENSOR_SILENT, RuleSet

log = logging.getLogger(__name__)
DOWNSAMPLE_EVERY_S = 3600.0


class Ticker:
    """Runs :meth:`tick` every ``period_s`` in a thread until :meth:`stop`."""

    def __init__(self, client: redis.Redis, farm: Farm, alarms: AlarmStore,
                 dispatcher: Dispatcher, history: HistoryStore, period_s: float,
                 rules: RuleSet | None = None) -> None:
        self.client = client
        self.rules = rules
        self.farm = farm
        self.alarms = alarms
        self.dispatcher = dispatcher
        self.history = history
        self.period_s = period_s
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="agri-ticker", daemon=True)
        self._last_downsample = 0.0

    def start(self) -> None:
        """Start the thread."""
        self._thread.start()

    def stop(self) -> None:
        """Stop the thread and flush what is pending."""
        self._stop.set()
        self._thread.join(10)
        self.history.flush()

    def _run(self) -> None:
        while not self._stop.wait(self.period_s):
            try:
                self.tick(time.time())
            except Exception:  # noqa: BLE001 - keep ticking; Redis/SQL may be back next time
                log.exception("tick failed")

    def tick(self, now_s: float) -> None:
        """Raise silence alarms, release silent machines' orders, flush history."""
        self.silent_devices(now_s)
        self.repeat_critical(now_s)
        self.dispatcher.silent_machines(now_s)
        self.history.flush()
        if now_s - self._last_downsample > DOWNSAMPLE_EVERY_S:
            self._last_downsample = now_s
            self.history.downsample(now_s)

    def silent_devices(self, now_s: float) -> list[str]:
        """Devices past their deadline (3 × interval since the last reading): one alarm each."""
        due = claim_due(self.client, "agri:device_deadline", now_s)
        now = datetime.fromtimestamp(now_s, UTC)
        for device in due:
            field = self.client.hget(f"agri:dev:{device}", "field") or ""
            seen = self.client.hget(f"agri:dev:{device}", "seen")
            silent_s = round(now_s - float(seen), 1) if seen else 0.0
            self.alarms.apply(device, SENSOR_SILENT, Severity.MAJOR, False, now, str(field),
                              {"silent_s": silent_s,
                               "interval_s": self.farm.profile_of(device).interval_s})
            log.warning("device silent", extra=log_fields(device=device, silent_s=silent_s))
        return due


    def repeat_critical(self, now_s: float) -> int:
        """Notify each active unacknowledged critical field alarm again when its period is due.

        Wall clock: a repeat reminds people, so it runs on their time, not the device's.
        """
        if self.rules is None:
            return 0
        sent = 0
        for fid in self.farm.fields:
            for alarm in self.alarms.current(fid).values():
                timing = self.rules.timing_of(alarm.type)
                if (alarm.active and not alarm.acknowledged
                        and alarm.severity == Severity.CRITICAL
                        and repeat_due((alarm.notified_at or alarm.start_time).timestamp(),
                                       now_s, timing)
                        and self.alarms.repeat(fid, alarm.type,
                                               datetime.fromtimestamp(now_s, UTC)) is not None):
                    sent += 1
        return sent


def claim_due(client: redis.Redis, key: str, now_s: float) -> list[str]:
    """Members of sorted set ``key`` with score ≤ ``now_s``, removed in the same transaction.

    A member refreshed meanwhile has a later score and is neither returned nor removed.
    """
    pipe = client.pipeline(transaction=True)
    pipe.zrangebyscore(key, "-inf", now_s)
    pipe.zremrangebyscore(key, "-inf", now_s)
    due, _ = pipe.execute()
    return [str(d) for d in due]
