"""``python -m agri.importer --mapping M.toml LOG``: bring a real sensor log in with event times.

Posts through the normal ingestion path: ``--kafka HOST:PORT`` publishes to ``agri.telemetry``
(the topic the gateway produces to), ``--gateway URL --token T`` posts each reading to the
gateway's device endpoint with the device's token. ``--dry-run`` only parses. ``--shift-to-now``
moves the whole log so its last reading is one minute ago (gaps kept): a historical log is
otherwise older than the service's backlog window (30 days) and refused, by design.
Prints the report (rows read / readings / imported / rejected by reason) as JSON.
"""

from __future__ import annotations

import argparse
import json
import sys
import tomllib
import urllib.request
from datetime import UTC, datetime, timedelta
from pathlib import Path

from google.protobuf import json_format
from zezhou5g.agri.v1 import agri_pb2

from agri.config import HERE
from agri.domain import farm as farmlib
from agri.domain.eventtime import BACKLOG_S, MAX_SKEW_S, event_time_violation
from agri.domain.profiles import violations
from agri.importer import mapping as mappinglib
from agri.importer.rows import Report, readings
from agri.topics import TELEMETRY


def load_mapping(path: Path) -> mappinglib.Mapping_:
    """Read a TOML mapping file."""
    return mappinglib.parse(tomllib.loads(path.read_text(encoding="utf-8")), path.stem)


def run_import(log: Path, m: mappinglib.Mapping_, *, kafka: str = "", gateway: str = "",
               token: str = "", shift_to_now: bool = False, since: str = "", until: str = "",
               dry_run: bool = False, farm_file: Path = HERE / "farm.yaml",
               backlog_s: float = BACKLOG_S) -> Report:
    """Import ``log`` with mapping ``m``; returns the report. ``since``/``until``: ISO dates.

    Readings the service would refuse are counted here by the same reason and not sent: event
    time outside the bounds (``backlog_s``, 5 min of skew), values outside the device profile's
    ranges (``farm_file``, the service's farm register).
    """
    report = Report()
    text = log.read_text(encoding=m.encoding)
    out = readings(text, m, report)
    lo = datetime.fromisoformat(since).replace(tzinfo=UTC) if since else None
    hi = datetime.fromisoformat(until).replace(tzinfo=UTC) if until else None
    kept = [r for r in out
            if (lo is None or r.meta.event_time.ToDatetime(UTC) >= lo)
            and (hi is None or r.meta.event_time.ToDatetime(UTC) < hi)]
    if len(out) > len(kept):
        report.refused["outside --since/--until"] += len(out) - len(kept)
    report.readings = len(kept)
    if shift_to_now and kept:
        last = max(r.meta.event_time.ToDatetime(UTC) for r in kept)
        delta = datetime.now(UTC) - timedelta(minutes=1) - last
        for r in kept:
            r.meta.event_time.FromDatetime(r.meta.event_time.ToDatetime(UTC) + delta)
    kept = _admissible(kept, farmlib.load(farm_file), backlog_s, report)
    report.readings = len(kept)
    if dry_run or not kept:
        return report
    if kafka:
        from zezhou5g.platform.kafka import EventProducer
        producer = EventProducer(kafka, "agri-importer")
        try:
            for r in kept:
                producer.publish(TELEMETRY, r, key=r.device_id)
            producer.flush(60)
        finally:
            producer.close()
        report.imported = len(kept)
    elif gateway:
        for r in kept:
            ok, why = _post(gateway, token, r)
            if ok:
                report.imported += 1
            else:
                report.refused[f"gateway: {why}"] += 1
    return report


def _admissible(rs: list[agri_pb2.SensorReading], farm: farmlib.Farm, backlog_s: float,
                report: Report) -> list[agri_pb2.SensorReading]:
    now = datetime.now(UTC).timestamp()
    out = []
    for r in rs:
        why = event_time_violation(r.meta.event_time.ToNanoseconds() / 1e9, now, MAX_SKEW_S,
                                   backlog_s)
        if why:
            reason = "event_time: " + ("in the future" if "future" in why else
                                       "older than the backlog window")
            report.refused[reason] += 1
            continue
        values = {f.name: v for f, v in r.ListFields() if isinstance(v, float)}
        bad = violations(values, farm.profile_of(r.device_id))
        if bad:
            report.refused["value refused: " + bad[0].split("=")[0].split(" ")[0]] += 1
            continue
        out.append(r)
    return out


def _post(url: str, token: str, r: agri_pb2.SensorReading) -> tuple[bool, str]:
    body = json_format.MessageToDict(r)
    body["meta"] = {"event_time": r.meta.event_time.ToJsonString()}
    req = urllib.request.Request(f"{url.rstrip('/')}/api/devices/agri/readings",
                                 data=json.dumps(body).encode(), method="POST",
                                 headers={"Authorization": f"Bearer {token}",
                                          "Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(req, timeout=10) as resp:  # noqa: S310 - URL from the operator
            return resp.status == 202, str(resp.status)
    except urllib.error.HTTPError as exc:
        detail = exc.read().decode(errors="replace")[:200]
        return False, f"{exc.code} {detail}"


def main(argv: list[str] | None = None) -> int:
    """Console entry point."""
    p = argparse.ArgumentParser(prog="python -m agri.importer", description=__doc__)
    p.add_argument("--mapping", type=Path, required=True, help="TOML mapping of the source")
    p.add_argument("log", type=Path)
    p.add_argument("--kafka", default="", help=f"bootstrap servers: publish to {TELEMETRY}")
    p.add_argument("--gateway", default="", help="gateway base URL: post to the device endpoint")
    p.add_argument("--token", default="", help="the device's bearer token (with --gateway)")
    p.add_argument("--since", default="", help="first event time to import (ISO, UTC)")
    p.add_argument("--until", default="", help="event time to stop before (ISO, UTC)")
    p.add_argument("--shift-to-now", action="store_true")
    p.add_argument("--farm", type=Path, default=HERE / "farm.yaml", help="the farm register")
    p.add_argument("--backlog-days", type=float, default=BACKLOG_S / 86400,
                   help="as the service's Z5G_AGRI_BACKLOG_S")
    p.add_argument("--dry-run", action="store_true")
    a = p.parse_args(argv)
    if not (a.dry_run or a.kafka or a.gateway):
        p.error("give --kafka, --gateway or --dry-run")
    report = run_import(a.log, load_mapping(a.mapping), kafka=a.kafka, gateway=a.gateway,
                        token=a.token, shift_to_now=a.shift_to_now, since=a.since,
                        until=a.until, dry_run=a.dry_run, farm_file=a.farm,
                        backlog_s=a.backlog_days * 86400)
    json.dump(report.as_dict(), sys.stdout, indent=2, ensure_ascii=False)
    print()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
