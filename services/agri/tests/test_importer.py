"""The log importer's mapping language on the two real logs in shared/testdata and on the
pitfalls of others (two time formats, local time with DST repeats and gaps, duplicate headers,
NaN, % instead of m³/m³, saturation values).

Logs: soil_quebec (Cabral 2023, Zenodo 10.5281/zenodo.7948797, via Alireza-Amani/SVS_percolation,
MIT); lorawan_tektelic (jclry1/soil-sensor @ 515f5d3a, Tektelic Clover readings.js)."""

from __future__ import annotations

import tomllib
from datetime import UTC, datetime

import pytest
from agri.config import HERE
from agri.importer import mapping as mappinglib
from agri.importer.__main__ import load_mapping, run_import
from agri.importer.rows import Report, readings
from zezhou5g.platform import paths

MAPPINGS = HERE / "importer" / "mappings"
DATA = paths.testdata_dir()


def test_quebec_long_layout_percent_and_nan():
    report = run_import(DATA / "soil_quebec" / "state_vars_daily_20180701_20210630.csv",
                        load_mapping(MAPPINGS / "soil_quebec.toml"), dry_run=True)
    assert report.rows_read == 8768
    # every NaN cell is a row without a usable value (long layout: one value per row)
    assert report.rejected["no usable value"] == sum(report.values_skipped.values())
    text = (DATA / "soil_quebec" / "state_vars_daily_20180701_20210630.csv").read_text()
    rs = readings(text, load_mapping(MAPPINGS / "soil_quebec.toml"), Report())
    first = next(r for r in rs if r.device_id == "soil-e1-1")
    # 2018-07-01, E1 first sensor: 15.5879732 % → 0.155880 m³/m³, stamped at local noon (EDT)
    assert first.soil_moisture_vwc == pytest.approx(0.155880, abs=1e-6)
    assert first.meta.event_time.ToDatetime(UTC) == datetime(2018, 7, 1, 16, tzinfo=UTC)
    assert {r.field_id for r in rs if r.device_id == "soil-e1-2"} == {"field-e1"}
    assert all(0 < r.soil_moisture_vwc < 0.6 for r in rs if r.HasField("soil_moisture_vwc"))


def test_tektelic_json_nanoseconds_khz_and_saturation():
    log = DATA / "lorawan_tektelic" / "readings.js"
    m = load_mapping(MAPPINGS / "lorawan_tektelic.toml")
    report = Report()
    rs = readings(log.read_text(), m, report)
    assert report.rows_read == 10443
    assert report.rejected["no usable value"] == 110          # the log's empty uplinks
    assert report.saturated["light_lux"] > 0
    assert all(r.HasField("light_lux") is False for r in rs if "light_lux" in r.saturated)
    assert all(1300 <= r.soil_moisture_khz <= 1410 for r in rs if r.HasField("soil_moisture_khz"))
    assert not any(r.HasField("air_temp_c") for r in rs)       # in-case temperature kept apart
    first = rs[0]
    assert first.meta.event_time.ToJsonString() == "2025-05-30T22:21:31.911309Z"
    times = [r.meta.event_time.ToNanoseconds() for r in rs]
    assert times == sorted(times)                               # put in event-time order
    # the longest silence (7.75 h on 2025-08-04) is in the data for the service to find
    gap = max(b - a for a, b in zip(times, times[1:], strict=False)) / 3.6e12
    assert 7.7 < gap < 7.8


UNSEEN = """\
Date/Time,Temp,Temp,VWC,Lux
2024-11-03 00:30:00,5.0,4.1,31.5,120
2024-11-03 01:30:00,4.8,4.0,,0
11/03/2024 01:00,4.6,3.9,30.9,NaN
2024-11-03 01:30:00,4.4,3.8,30.7,65535
2024-03-10 02:30:00,1.0,1.0,20.0,5
"""

UNSEEN_MAPPING = """
[source]
format = "csv"
[time]
column = "Date/Time"
formats = ["%Y-%m-%d %H:%M:%S", "%m/%d/%Y %H:%M"]
zone = "America/New_York"
ambiguous = "order"
nonexistent = "reject"
[device]
id = "gh-1"
field = "field-e1"
[[metrics]]
column = "Temp"
occurrence = 2          # the second "Temp" is the substrate, the first the case
metric = "soil_temp_c"
unit = "deg C"
[[metrics]]
index = 1
metric = "case_temp_c"
[[metrics]]
column = "VWC"
metric = "soil_moisture_vwc"
unit = "%"
[[metrics]]
column = "Lux"
metric = "light_lux"
saturation = [65535]
"""


def test_a_log_with_every_pitfall():
    m = mappinglib.parse(tomllib.loads(UNSEEN_MAPPING), "unseen")
    report = Report()
    rs = readings(UNSEEN, m, report)
    utc = [r.meta.event_time.ToDatetime(UTC).strftime("%H:%M") for r in rs]
    # 00:30 EDT, 01:30 EDT, then the clock goes back: 01:00 EST and 01:30 EST (fold=1)
    assert utc == ["04:30", "05:30", "06:00", "06:30"]
    assert report.rejected == {"time: local time skipped by DST": 1}      # 02:30 on 10 March
    assert [r.soil_temp_c for r in rs] == [4.1, 4.0, 3.9, 3.8]
    assert [r.case_temp_c for r in rs] == [5.0, 4.8, 4.6, 4.4]
    assert rs[0].soil_moisture_vwc == pytest.approx(0.315) and not rs[1].HasField(
        "soil_moisture_vwc")
    assert list(rs[3].saturated) == ["light_lux"] and not rs[3].HasField("light_lux")
    assert report.values_skipped == {"soil_moisture_vwc: empty": 1, "light_lux: empty": 1}


@pytest.mark.parametrize(("text", "error"), [
    ('[time]\ncolumn="t"\n[device]\nid="d"\n[[metrics]]\ncolumn="x"\nmetric="nope"',
     "unknown metric"),
    ('[time]\ncolumn="t"\n[device]\nid="d"\n[[metrics]]\ncolumn="x"\nmetric="air_temp_c"\n'
     'unit="kHz"', "no conversion"),
    ('[time]\ncolumn="t"\nzone="Mars/Olympus"\n[device]\nid="d"\n[[metrics]]\ncolumn="x"\n'
     'metric="air_temp_c"', "Mars"),
])
def test_wrong_mappings_fail_at_load(text, error):
    with pytest.raises(Exception, match=error):
        mappinglib.parse(tomllib.loads(text), "bad")
