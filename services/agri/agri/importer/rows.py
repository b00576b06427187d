"""Reading a log file into rows and rows into ``SensorReading`` messages, with a report.

Rows are lists of cells with the header (a list, duplicates kept) alongside, so a column can be
addressed by name, by name + occurrence, or by position. JSON logs are an array of objects (any
text before the first ``[`` and after the last ``]``, e.g. ``export const x = … ;``, is ignored).
"""

from __future__ import annotations

import csv
import io
import json
import string
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from zezhou5g.agri.v1 import agri_pb2

from agri.importer.mapping import Clock, Mapping_, MetricMap, number


@dataclass
class Report:
    """What an import did, by outcome.

    Rows read (rejected by reason), readings built, rejected (by reason: outside the selection,
    event time, ranges, the gateway's answer) and imported, values skipped (empty/NaN, text) and
    saturated values flagged.
    """

    rows_read: int = 0
    readings: int = 0
    imported: int = 0
    rejected: Counter[str] = field(default_factory=Counter)        # rows, by reason
    values_skipped: Counter[str] = field(default_factory=Counter)  # cells, by reason
    saturated: Counter[str] = field(default_factory=Counter)       # metric → flagged values
    refused: Counter[str] = field(default_factory=Counter)         # readings, by reason

    def as_dict(self) -> dict[str, object]:
        """JSON-friendly form."""
        return {"rows_read": self.rows_read, "readings": self.readings,
                "imported": self.imported, "rows_rejected": dict(self.rejected),
                "readings_rejected": dict(self.refused),
                "values_skipped": dict(self.values_skipped), "saturated": dict(self.saturated)}


def read_rows(text: str, m: Mapping_) -> tuple[list[str], Iterator[list[object]]]:
    """(header, rows) of a log's text."""
    if m.format == "json":
        records = json.loads(text[text.index("["): text.rindex("]") + 1])
        header: list[str] = []
        for r in records:
            header += [k for k in r if k not in header]
        return header, iter([[r.get(k) for k in header] for r in records])
    reader = csv.reader(io.StringIO(text), delimiter=m.delimiter)
    header = [h.strip() for h in next(reader)]
    return header, (list(r) for r in reader if any(c.strip() for c in r))


def column_index(header: list[str], name: str, occurrence: int = 1,
                 index: int | None = None) -> int:
    """Position of the ``occurrence``-th column called ``name`` (or ``index``); ValueError."""
    if index is not None:
        if not 0 <= index < len(header):
            raise ValueError(f"column index {index} outside the header ({len(header)} columns)")
        return index
    found = [i for i, h in enumerate(header) if h == name]
    if len(found) < occurrence:
        raise ValueError(f"column {name!r} (occurrence {occurrence}) not in header {header}")
    return found[occurrence - 1]


def _device(m: Mapping_, cells: dict[str, str]) -> tuple[str, str] | None:
    try:
        key = m.device_template.format(**cells)
    except (KeyError, IndexError, ValueError):
        return None
    device = m.device_ids.get(key, key if not m.device_ids else "")
    if not device:
        return None
    fid = m.device_fields.get(device, m.field)
    return (device, fid) if fid else None


def readings(text: str, m: Mapping_, report: Report,
             shift: timedelta = timedelta(0)) -> list[agri_pb2.SensorReading]:
    """The log's readings in event-time order per device (``shift`` added to every time).

    Rows with no usable time or device are rejected (counted by reason); empty/NaN cells are
    skipped; saturation values are flagged in ``saturated`` and not sent as values.
    """
    header, rows = read_rows(text, m)
    t_col = column_index(header, m.time_column)
    placeholders = {n for n in _names(m.device_template)}
    dev_cols = {n: column_index(header, n) for n in placeholders}
    wide = {mm.metric: (mm, column_index(header, mm.column, mm.occurrence, mm.index))
            for mm in m.metrics if m.layout == "wide"}
    by_var = {mm.variable: mm for mm in m.metrics if m.layout == "long"}
    var_col = column_index(header, m.variable_column) if m.layout == "long" else -1
    val_col = column_index(header, m.value_column) if m.layout == "long" else -1
    clock = Clock(m)
    out: dict[tuple[str, datetime], agri_pb2.SensorReading] = {}
    for row in rows:
        report.rows_read += 1
        when, why = clock.utc(str(row[t_col]) if t_col < len(row) else "")
        if when is None:
            report.rejected[why] += 1
            continue
        who = _device(m, {n: str(row[i]).strip() for n, i in dev_cols.items() if i < len(row)})
        if who is None:
            report.rejected["device: not in the mapping"] += 1
            continue
        cells: list[tuple[MetricMap, object]] = []
        if m.layout == "long":
            mm = by_var.get(str(row[var_col]).strip())
            if mm is None:
                report.rejected["variable: not in the mapping"] += 1
                continue
            cells.append((mm, row[val_col] if val_col < len(row) else None))
        else:
            cells = [(mm, row[i] if i < len(row) else None) for mm, i in wide.values()]
        key = (who[0], when + shift)
        reading = out.get(key) or agri_pb2.SensorReading(device_id=who[0], field_id=who[1])
        used, flagged = 0, 0
        for mm, cell in cells:
            raw, reason = number(cell, m.skip)
            if raw is None:
                report.values_skipped[f"{mm.metric}: {reason}"] += 1
                continue
            if raw in mm.saturation:
                report.saturated[mm.metric] += 1
                flagged += 1
                if mm.metric not in reading.saturated:
                    reading.saturated.append(mm.metric)
                continue
            setattr(reading, mm.metric, round(mm.value(raw), 6))
            used += 1
        if not used and not flagged:
            report.rejected["no usable value"] += 1
            continue
        if key not in out:
            reading.meta.event_time.FromDatetime(key[1])
            out[key] = reading
    result = sorted(out.values(), key=lambda r: (r.meta.event_time.ToNanoseconds(), r.device_id))
    report.readings = len(result)
    return result


def _names(template: str) -> list[str]:
    """Column names a device-id template such as ``"{Plot}|{Sensor}"`` refers to."""
    return [f for _, f, _, _ in string.Formatter().parse(template) if f]
