"""Observation sets read in pages for the FHIR export: keyset paging on (time, event id).

Reads the ``observations`` table that :mod:`medical.adapters.records` owns. Pages are found
through the ``(patient_id, at, event_id)`` index (migration 0002), so a page costs the same at
the start and at the end of a day of 1 Hz sets.
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import Engine, and_, case, func, or_, select
from sqlalchemy.orm import Session

from medical.adapters.records import ObservationRow
from medical.domain.fhir import FIELDS, SET_END, Position, VitalSet


def _aware(at: datetime) -> datetime:
    return at if at.tzinfo else at.replace(tzinfo=UTC)


class ObservationPages:
    """Observation sets of one patient in a time range, in (time, event id) order."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    @staticmethod
    def _in_range(patient_id: str, since: datetime, until: datetime | None):  # type: ignore[no-untyped-def]
        where = [ObservationRow.patient_id == patient_id, ObservationRow.at >= since]
        if until is not None:
            where.append(ObservationRow.at <= until)
        return where

    def sets(self, patient_id: str, since: datetime, until: datetime | None,
             start: Position | None, limit: int) -> list[VitalSet]:
        """Up to ``limit`` sets from ``start``'s set on, oldest first.

        From after that set when ``start.index`` is :data:`~medical.domain.fhir.SET_END`.
        ``since``/``until`` bound the set's time (UTC, inclusive; ``until`` None: no bound).
        """
        where = self._in_range(patient_id, since, until)
        if start is not None:
            at, same_at = start.at, ObservationRow.at == start.at
            if start.index >= SET_END:  # past that set: the sets after it
                same_at = and_(same_at, ObservationRow.event_id > start.event_id)
            else:
                same_at = and_(same_at, ObservationRow.event_id >= start.event_id)
            where.append(or_(ObservationRow.at > at, same_at))
        with Session(self.engine) as s:
            rows = s.execute(select(ObservationRow.event_id, ObservationRow.at,
                                    *(getattr(ObservationRow, f) for f in FIELDS))
                             .where(*where)
                             .order_by(ObservationRow.at, ObservationRow.event_id)
                             .limit(limit)).all()
        return [VitalSet(r[0], _aware(r[1]), dict(zip(FIELDS, r[2:], strict=True)))
                for r in rows]

    def count(self, patient_id: str, since: datetime, until: datetime | None) -> int:
        """How many Observations the sets in the range make.

        One per measured single value, one per set with any blood pressure part.
        """
        bp = case((or_(ObservationRow.systolic_mmhg.is_not(None),
                       ObservationRow.diastolic_mmhg.is_not(None)), 1), else_=0)
        total = (func.count(ObservationRow.heart_rate_bpm)
                 + func.count(ObservationRow.resp_rate_per_min)
                 + func.count(ObservationRow.spo2_pct)
                 + func.count(ObservationRow.temperature_c)
                 + func.coalesce(func.sum(bp), 0))
        with Session(self.engine) as s:
            return int(s.execute(select(total).where(
                *self._in_range(patient_id, since, until))).scalar_one())
