"""Telemetry buckets in a real SQLite database through the service's migrations."""

import pytest
from agri.adapters.history_store import HistoryStore
from agri.config import HERE
from agri.domain.history import fold
from zezhou5g.platform.db import make_engine, migrate

DAY = 86_400


@pytest.fixture
def store(tmp_path):
    url = f"sqlite:///{tmp_path}/agri.db"
    migrate(url, HERE / "migrations")
    return HistoryStore(make_engine(url))


class Writes:
    """Readings folded into bucket deltas, merged into SQL as the records relay does."""

    def __init__(self, store: HistoryStore) -> None:
        self.store = store
        self.pending: dict = {}

    def add(self, device: str, t: float, values: dict) -> None:
        fold(self.pending, device, t, values)

    def flush(self) -> int:
        with self.store.engine.begin() as conn:
            n = self.store.add(conn, self.pending)
        self.pending = {}
        return n


def test_flushes_merge_into_15_minute_buckets(store):
    t0 = 1_000 * DAY
    w = Writes(store)
    w.add("soil-1", t0 + 10, {"soil_moisture_vwc": 0.20, "air_temp_c": None})
    w.add("soil-1", t0 + 300, {"soil_moisture_vwc": 0.30})
    assert w.flush() == 1
    w.add("soil-1", t0 + 600, {"soil_moisture_vwc": 0.10})   # same bucket, a later flush
    w.add("soil-1", t0 + 900, {"soil_moisture_vwc": 0.40})   # the next bucket
    assert w.flush() == 2
    b1, b2 = store.query("soil-1", "soil_moisture_vwc", t0, t0 + 3600)
    assert (b1.start, b1.count, b1.low, b1.high) == (t0, 3, 0.10, 0.30)
    assert b1.mean == pytest.approx(0.20)
    assert (b2.start, b2.count) == (t0 + 900, 1)
    assert store.query("soil-1", "air_temp_c", t0, t0 + 3600) == []


def test_data_older_than_90_days_is_kept_as_daily_buckets(store):
    now = 1_000 * DAY
    old = now - 100 * DAY
    w = Writes(store)
    for i in range(96):
        w.add("soil-1", old + i * 900, {"air_temp_c": float(i)})
    w.add("soil-1", now - DAY, {"air_temp_c": 5.0})
    w.flush()
    assert store.downsample(now) == 1
    (day,) = store.query("soil-1", "air_temp_c", old, old + DAY)
    assert (day.width, day.count, day.low, day.high) == (DAY, 96, 0.0, 95.0)
    # A late reading for that day is merged into the daily bucket, not overwriting it.
    w.add("soil-1", old + 5, {"air_temp_c": -3.0})
    w.flush()
    store.downsample(now)
    (day,) = store.query("soil-1", "air_temp_c", old, old + DAY)
    assert (day.count, day.low) == (97, -3.0)
    recent = store.query("soil-1", "air_temp_c", now - 2 * DAY, now)
    assert [b.width for b in recent] == [900]
