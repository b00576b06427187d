"""A quiet start: log lines that say nothing to a person watching ``make demo``, kept off it.

The programs start in parallel, so for their first seconds each meets neighbours that are not
up yet: the simulators cannot reach a service, a consumer waits for Kafka or Redis, agri finds
its devices silent since the previous run. Until the gateway's ``/readyz`` first answers 200,
:class:`StartupQuiet` keeps those warnings (``RULES`` with ``always=False``) off the console and
counts them; after that they are shown, because then the same warning means an outage.

During an outage (``/readyz`` not ready after it was), the Kafka and Redis clients of every
program log each failed connection, fetch and retry — thousands of lines for a minute without
the broker — while the supervisor has already said in one line what is down. From
:meth:`StartupQuiet.outage` until ``SETTLE_S`` after :meth:`StartupQuiet.recovered` (clients
re-find their group coordinators for a while) those lines (``OUTAGE_RULES``) are counted
instead of echoed, and the count is reported when the stack is ready again. The burst that
comes before the supervisor's next ``/readyz`` poll notices is thinned too: outside an outage
one such line per program per ``BURST_S`` is shown, the rest counted.

Two kinds are never echoed (``always=True``): the supervisor's own ``/readyz`` polls in the
gateway's access log, and kafka-python's ``Task … ran for 0.1xx s`` notices, which time its own
event loop and appear whenever the machine is busy. Every line stays in ``.run/logs/<program>.log``.
"""

from __future__ import annotations

import json
import re
import threading
import time
from collections import Counter
from dataclasses import dataclass


@dataclass(frozen=True)
class Rule:
    """Lines whose program, logger and message match (regular expressions, ``search``)."""

    program: str
    logger: str
    message: str
    why: str
    level: str = "WARNING"
    always: bool = False

    def matches(self, program: str, record: dict[str, object]) -> bool:
        """Whether a JSON log record of ``program`` is one of these."""
        return (record.get("level") == self.level
                and re.search(self.program, program) is not None
                and re.search(self.logger, str(record.get("logger", ""))) is not None
                and re.search(self.message, str(record.get("msg", ""))) is not None)


_WAITS = (r"a dependency is away|waits for a dependency|no partitions known yet"
          r"|send failed, will retry|offset commit failed")

RULES: tuple[Rule, ...] = (
    Rule(".", r"^kafka\.net\.selector$", r"ran for .*threshold",
         "kafka-python event-loop timing notices (a busy CPU)", always=True),
    Rule("^gateway$", r"^uvicorn\.access$", r'"GET /readyz ',
         "the supervisor's own /readyz polls", level="INFO", always=True),
    Rule("^simulators$", r"^simulators\.", r"not reachable",
         "simulators calling a service that is still starting"),
    Rule(".", ".", _WAITS, "Kafka or Redis not answering a program yet"),
    Rule("^agri$", r"^agri\.", r"^device silent$",
         "agri devices silent since the previous run, until the simulators report"),
)


_CLIENTS = r"^(kafka|redis)(\.|$)"

SETTLE_S = 30.0  # after "ready again", reconnect noise is still counted, not shown
BURST_S = 10.0   # outside an outage: one client connection line per program per window

# What an outage of the broker or Redis makes every program log (while /readyz is not ready).
OUTAGE_RULES: tuple[Rule, ...] = (
    Rule(".", _CLIENTS, ".", "Kafka / Redis client connection warnings"),
    Rule(".", _CLIENTS, ".", "Kafka / Redis client connection errors", level="ERROR"),
    Rule(".", ".", _WAITS, "programs waiting for Kafka or Redis"),
)


def parse_record(line: str) -> dict[str, object] | None:
    """The JSON log record on ``line``, or None for any other output."""
    if not line.startswith("{"):
        return None
    try:
        record = json.loads(line)
    except ValueError:
        return None
    return record if isinstance(record, dict) else None


class StartupQuiet:
    """``show(program, line)`` for the supervisor: False for a line ``rules`` keep off."""

    def __init__(self, rules: tuple[Rule, ...] = RULES,
                 outage_rules: tuple[Rule, ...] = OUTAGE_RULES) -> None:
        self.rules = rules
        self.outage_rules = outage_rules
        self._ready = threading.Event()
        self._outage = False  # guarded by _lock, as _settle_until
        self._settle_until = 0.0
        self._last_shown: dict[str, float] = {}  # program -> when its last client line showed
        self._lock = threading.Lock()
        self.hidden: Counter[str] = Counter()
        self.hidden_in_outage: Counter[str] = Counter()

    def show(self, program: str, line: str) -> bool:
        """Whether ``line`` from ``program`` goes to the console."""
        record = parse_record(line)
        if record is None:
            return True
        ready = self._ready.is_set()
        for rule in self.rules:
            if (rule.always or not ready) and rule.matches(program, record):
                with self._lock:
                    self.hidden[rule.why] += 1
                return False
        noisy = next((r for r in self.outage_rules if r.matches(program, record)), None)
        if noisy is None:
            return True
        now = time.monotonic()
        with self._lock:
            quiet = self._outage or now < self._settle_until
            if not quiet and now - self._last_shown.get(program, -BURST_S) >= BURST_S:
                self._last_shown[program] = now
                return True
            self.hidden_in_outage[noisy.why] += 1
        return False

    def outage(self) -> None:
        """The stack is not ready any more: count the clients' connection noise, do not echo it."""
        with self._lock:
            self._outage = True

    def recovered(self) -> str:
        """Ready again: echo everything again; one line saying what the outage kept off, or ""."""
        with self._lock:
            self._outage = False
            self._settle_until = time.monotonic() + SETTLE_S
            counts, self.hidden_in_outage = self.hidden_in_outage, Counter()
        if not counts:
            return ""
        parts = "; ".join(f"{n} × {why}" for why, n in counts.most_common())
        total = sum(counts.values())
        return (f"{total} log line{'' if total == 1 else 's'} of the outage kept in .run/logs, "
                f"not shown: {parts}")

    def ready(self) -> None:
        """The stack answered ready: from now on only ``always`` rules hide lines."""
        self._ready.set()

    def summary(self) -> str:
        """One line naming what was kept off the console so far, or "" when nothing was."""
        with self._lock:
            if not self.hidden:
                return ""
            parts = [f"{n} × {why}" for why, n in self.hidden.most_common()]
            total = sum(self.hidden.values())
        return f"{total} expected log lines kept in .run/logs, not shown: " + "; ".join(parts)
