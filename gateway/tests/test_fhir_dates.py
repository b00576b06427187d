"""The FHIR facade's ``date`` search parameter: prefixes, precision, and refusals (pure)."""

from datetime import UTC, datetime, timedelta

import pytest
from gateway.errors import ApiError
from gateway.routes.fhir import EPOCH, date_range

US = timedelta(microseconds=1)
DAY = datetime(2026, 11, 22, tzinfo=UTC)


@pytest.mark.parametrize(("values", "since", "until"), [
    ([], EPOCH, None),
    (["ge2026-11-22"], DAY, None),
    (["gt2026-11-22"], DAY + timedelta(days=1), None),
    (["le2026-11-22"], EPOCH, DAY + timedelta(days=1) - US),
    (["lt2026-11-22"], EPOCH, DAY - US),
    (["2026-11-22"], DAY, DAY + timedelta(days=1) - US),              # eq: the whole day
    (["ge2026-11-22T08:00:00Z", "le2026-11-22T09:00:00Z"],
     DAY + timedelta(hours=8), DAY + timedelta(hours=9, seconds=1) - US),
    (["ge2026-11-22T16:00:00+08:00"], DAY + timedelta(hours=8), None),  # offsets honoured
    (["ge2026-11-22T08:00:00"], DAY + timedelta(hours=8), None),        # no offset: UTC
    (["ge2026-11-22T08:00:00.5Z"], DAY + timedelta(hours=8, milliseconds=500), None),
    (["ge2026-11-20", "ge2026-11-22", "le2026-11-23", "le2026-11-25"],  # all must hold
     DAY, DAY + timedelta(days=2) - US),
])
def test_date_prefixes_and_precision(values, since, until):
    assert date_range(values) == (since, until)


@pytest.mark.parametrize("value", ["xx", "ge2026-13-01", "ge2026-02-30", "sa2026-11-22",
                                   "ge2026-11-22T25:00:00Z", "gt9999-12-31", "lt0001-01-01",
                                   "ge2026"])
def test_bad_dates_are_400(value):
    with pytest.raises(ApiError) as caught:
        date_range([value])
    assert caught.value.status_code == 400 and value in str(caught.value.detail)
