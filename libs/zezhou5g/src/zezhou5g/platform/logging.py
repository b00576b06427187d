"""Structured (JSON lines) logging with the current trace id attached to every record."""

from __future__ import annotations

import contextvars
import json
import logging
import re
import sys
import time

trace_id_var: contextvars.ContextVar[str | None] = contextvars.ContextVar("trace_id", default=None)


# Personal identifiers that may appear in request paths (access logs): replaced before writing.
REDACT = [
    (re.compile(r"(/api/medical/patients/)[^/\s?\"']+"), r"\1<patient>"),
    (re.compile(r"(/medical/patient\.html\?id=)[^&\s\"']+"), r"\1<patient>"),
    (re.compile(r"(/fhir/Patient/)[^/\s?\"']+"), r"\1<patient>"),
    (re.compile(r"(/fhir/Observation\?(?:[^\s\"']*&)?patient=)[^&\s\"']+"), r"\1<patient>"),
]


def redact(text: str) -> str:
    """``text`` with patient identifiers in URLs replaced by ``<patient>``."""
    for pattern, repl in REDACT:
        text = pattern.sub(repl, text)
    return text


class JsonFormatter(logging.Formatter):
    """One JSON object per line: ts (UTC ISO 8601), level, logger, msg, service, extras."""

    def __init__(self, service: str) -> None:
        super().__init__()
        self.service = service

    def format(self, record: logging.LogRecord) -> str:
        """Render ``record`` as a JSON line."""
        out = {
            "ts": time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(record.created))
            + f".{int(record.msecs):03d}Z",
            "level": record.levelname,
            "logger": record.name,
            "msg": redact(record.getMessage()),
            "service": self.service,
        }
        trace_id = trace_id_var.get()
        if trace_id:
            out["trace_id"] = trace_id
        for key, value in getattr(record, "fields", {}).items():
            out[key] = value
        if record.exc_info:
            out["exc"] = redact(self.formatException(record.exc_info))
        return json.dumps(out, ensure_ascii=False, default=str)


def setup_logging(service: str, level: str = "INFO") -> None:
    """Route the root logger to stderr as JSON; quiet chatty libraries."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonFormatter(service))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level.upper())
    for noisy in ("kafka", "urllib3", "asyncio"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    # kafka-python's "task ran for 0.1 s" notices say the CPU is busy, nothing about the broker.
    logging.getLogger("kafka.net.selector").setLevel(logging.ERROR)


def log_fields(**fields: object) -> dict[str, dict[str, object]]:
    """``logger.info("msg", extra=log_fields(topic=t))`` adds structured fields."""
    return {"fields": fields}
