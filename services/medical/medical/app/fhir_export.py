"""ExportFhir: one page of a patient's vital-sign Observations as a FHIR R4 searchset Bundle.

A page holds at most ``count`` Observations (:data:`medical.domain.fhir.MAX_PAGE`), so any time
range is exported in bounded messages; the caller follows ``next_cursor`` for the rest. The
total is counted once, for the first page, and carried in the cursor.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from medical.adapters.observation_pages import ObservationPages
from medical.domain import fhir


@dataclass(frozen=True)
class Page:
    """A searchset Bundle page, the cursor of the next one ("" on the last), and the total."""

    bundle: dict[str, Any]
    next_cursor: str
    total: int


class FhirExport:
    """Pages of Observations read from the SQL records."""

    def __init__(self, pages: ObservationPages) -> None:
        self.pages = pages

    def page(self, patient: dict[str, Any], since: datetime, until: datetime | None,
             count: int, cursor: str = "") -> Page:
        """The page of Observations effective in [since, until] (UTC) starting at ``cursor``.

        ``patient`` is the FHIR Patient resource the Observations reference. Raises
        :class:`medical.domain.fhir.CursorError` for a cursor this export did not make.
        """
        count = max(1, min(count or fhir.DEFAULT_PAGE, fhir.MAX_PAGE))
        patient_id = str(patient["id"])
        if cursor:
            start, total = fhir.decode_cursor(cursor)
        else:
            start, total = None, self.pages.count(patient_id, since, until)
        obs: list[dict[str, Any]] = []
        next_at: fhir.Position | None = None
        per_set = 5.0  # Observations a set makes (1-5): guessed high, then as read
        while next_at is None:
            chunk = min(count, int((count - len(obs)) / per_set) + 2)
            sets = self.pages.sets(patient_id, since, until, start, chunk)
            before = len(obs)
            for vs in sets:
                made = fhir.set_observations(patient_id, vs)
                skip = start.index if start and (start.event_id, start.at_us) == (
                    vs.event_id, fhir.to_us(vs.at)) else 0
                for index in range(skip, len(made)):
                    if len(obs) == count:
                        next_at = fhir.Position(fhir.to_us(vs.at), vs.event_id, index)
                        break
                    obs.append(made[index])
                if next_at is not None:
                    break
            else:
                if len(sets) < chunk:
                    break
                per_set = max(1.0, (len(obs) - before) / len(sets))
                last = sets[-1]
                start = fhir.Position(fhir.to_us(last.at), last.event_id, fhir.SET_END)
        bundle = fhir.searchset(patient, obs, total, datetime.now(UTC))
        return Page(bundle, fhir.encode_cursor(next_at, total) if next_at else "", total)
