"""A quiet start: log lines that say nothing to a person watching ``make demo``, kept off it.

The programs start in parallel, so for their first seconds each meets neighbours that are not
up yet: the simulators cannot reach a service, a consumer waits for Kafka or Redis, agri finds
its devices silent since the previous run. Until the gateway's ``/readyz`` first answers 200,
:class:`StartupQuiet` keeps those warnings (``RULES`` with ``always=False``) off the console and
counts them; after that they are shown, because then the same warning means an outage.

Two kinds are never echoed (``always=True``): the supervisor's own ``/readyz`` polls in the
gateway's access log, and kafka-python's ``Task … ran for 0.1xx s`` notices, which time its own
event loop and appear whenever the machine is busy. Every line stays in ``.run/logs/<program>.log``.
"""

from __future__ import annotations

import json
import re
import threading
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

    def __init__(self, rules: tuple[Rule, ...] = RULES) -> None:
        self.rules = rules
        self._ready = threading.Event()
        self._lock = threading.Lock()
        self.hidden: Counter[str] = Counter()

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
        return True

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
