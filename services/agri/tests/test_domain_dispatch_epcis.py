"""Dispatch (nearest free capable machine, order states), EPCIS hash chain, profiles, history."""

import copy
from datetime import UTC, datetime

import pytest
from agri.domain import epcis
from agri.domain.dispatch import (
    InvalidTransition,
    MachineView,
    OrderState,
    haversine_km,
    nearest_free,
    progress,
    transition,
)
from agri.domain.history import Bucket, bucket_start, merge, to_downsample
from agri.domain.profiles import DeviceProfile, is_late, silent, violations

FIELD = (35.5011, 112.8427)


def test_haversine_against_a_known_distance():
    # One degree of latitude is 111.2 km on the mean sphere.
    assert haversine_km(35.0, 112.0, 36.0, 112.0) == pytest.approx(111.19, abs=0.01)


@pytest.mark.parametrize(("machines", "task", "chosen"), [
    # the nearest capable free machine wins
    ([("fan", {"frost_protection"}, 35.51, 112.83, 25, True),
      ("spr", {"frost_protection"}, 35.48, 112.86, 30, True)], "frost_protection", "fan"),
    # the nearest is busy → the next one
    ([("fan", {"frost_protection"}, 35.51, 112.83, 25, False),
      ("spr", {"frost_protection"}, 35.48, 112.86, 30, True)], "frost_protection", "spr"),
    # the nearest cannot do the task
    ([("trc", {"tillage"}, 35.501, 112.843, 30, True),
      ("spr", {"frost_protection"}, 35.48, 112.86, 30, True)], "frost_protection", "spr"),
    # a faster machine further away arrives first
    ([("slow", {"spraying"}, 35.51, 112.8427, 5, True),
      ("fast", {"spraying"}, 35.53, 112.8427, 60, True)], "spraying", "fast"),
    ([("trc", {"tillage"}, 35.5, 112.84, 30, True)], "frost_protection", None),
])
def test_nearest_free_capable_machine(machines, task, chosen):
    views = [MachineView(i, frozenset(c), la, lo, v, f) for i, c, la, lo, v, f in machines]
    got = nearest_free(views, task, *FIELD)
    assert (got.machine_id if got else None) == chosen


def test_eta_is_road_distance_over_speed():
    got = nearest_free([MachineView("m", frozenset({"x"}), 35.0, 112.0, 30, True)], "x",
                       36.0, 112.0, road_factor=1.3)
    assert got is not None
    assert got.distance_km == pytest.approx(111.19 * 1.3, abs=0.02)
    assert got.eta_min == pytest.approx(111.19 * 1.3 / 30 * 60, abs=0.1)


@pytest.mark.parametrize(("start", "wanted", "ok"), [
    (OrderState.CREATED, OrderState.ASSIGNED, True),
    (OrderState.ASSIGNED, OrderState.EN_ROUTE, True),
    (OrderState.ASSIGNED, OrderState.WORKING, True),    # assigned while already at the field
    (OrderState.EN_ROUTE, OrderState.WORKING, True),
    (OrderState.WORKING, OrderState.DONE, True),
    (OrderState.EN_ROUTE, OrderState.CREATED, True),    # released: the machine went silent
    (OrderState.CREATED, OrderState.DONE, False),
    (OrderState.DONE, OrderState.CANCELLED, False),
    (OrderState.CANCELLED, OrderState.ASSIGNED, False),
])
def test_order_state_machine(start, wanted, ok):
    if ok:
        assert transition(start, wanted) == wanted
    else:
        with pytest.raises(InvalidTransition):
            transition(start, wanted)


@pytest.mark.parametrize(("state", "km", "speed", "expected"), [
    (OrderState.ASSIGNED, 5.0, 0.0, OrderState.ASSIGNED),
    (OrderState.ASSIGNED, 5.0, 20.0, OrderState.EN_ROUTE),
    (OrderState.EN_ROUTE, 0.1, 3.0, OrderState.WORKING),
    (OrderState.ASSIGNED, 0.1, 0.0, OrderState.WORKING),
    (OrderState.WORKING, 3.0, 20.0, OrderState.WORKING),
])
def test_order_progress_from_machine_fixes(state, km, speed, expected):
    got = progress(state, km, speed)
    assert got == expected
    if got != state:
        assert transition(state, got) == got    # every step progress takes is allowed


def _chain():
    events = [
        epcis.object_event("2025-10-05T08:00:00Z", "ADD", ["urn:epc:class:lgtin:069.1.L1"],
                           "sowing", "urn:z5g:field:field-e1", quantity=150),
        epcis.object_event("2026-03-20T08:00:00Z", "OBSERVE", ["urn:epc:class:lgtin:069.1.L1"],
                           "applying", "urn:z5g:field:field-e1",
                           inputs=[{"name": "尿素", "kg_per_ha": 120}]),
        epcis.transformation_event("2026-06-10T09:00:00Z", ["urn:epc:class:lgtin:069.1.L1"],
                                   ["urn:epc:class:lgtin:069.2.F1"], "commissioning",
                                   "urn:z5g:mill:1"),
        epcis.aggregation_event("2026-06-12T09:00:00Z", "urn:epc:id:sscc:069.1",
                                ["urn:epc:id:sgtin:069.2.1"], "packing", "urn:z5g:mill:1"),
    ]
    chain: list[epcis.Link] = []
    for e in events:
        chain.append(epcis.append(chain, e))
    return chain


def test_untouched_chain_verifies():
    chain = _chain()
    assert chain[0].prev_hash == epcis.GENESIS and chain[1].prev_hash == chain[0].hash
    assert epcis.verify(chain).ok


@pytest.mark.parametrize("index", [0, 1, 2, 3])
def test_changing_any_event_is_detected_there_and_after(index):
    chain = _chain()
    tampered = copy.deepcopy(dict(chain[index].event))
    tampered["eventTime"] = "2026-01-01T00:00:00Z"
    chain[index] = epcis.Link(index, tampered, chain[index].prev_hash, chain[index].hash)
    result = epcis.verify(chain)
    assert result.first_invalid == index
    assert result.valid == [i < index for i in range(4)]


def test_rehashing_a_tampered_event_still_breaks_the_next_link():
    chain = _chain()
    ev = dict(chain[1].event) | {"inputs": []}
    chain[1] = epcis.Link(1, ev, chain[1].prev_hash, epcis.link_hash(ev, chain[1].prev_hash))
    assert epcis.verify(chain).first_invalid == 2


def test_canonical_json_ignores_key_order_and_rejects_non_epcis_types():
    assert epcis.canonical({"b": 1, "a": "泽"}) == epcis.canonical({"a": "泽", "b": 1})
    with pytest.raises(ValueError):
        epcis.append([], {"type": "Thing", "eventTime": "x", "action": "ADD"})


PROBE = DeviceProfile("soil-probe", ("soil_moisture_vwc", "air_temp_c"), interval_s=900,
                      ranges={"soil_moisture_vwc": (0.0, 0.6), "air_temp_c": (-45.0, 55.0)})


@pytest.mark.parametrize(("values", "problems"), [
    ({"soil_moisture_vwc": 0.25, "battery_pct": 80.0}, []),
    ({"soil_moisture_vwc": 0.95}, ["soil_moisture_vwc=0.95 outside 0..0.6"]),
    ({"soil_moisture_vwc": None, "air_temp_c": -50.0}, ["air_temp_c=-50 outside -45..55"]),
    ({"light_lux": 1000.0}, ["light_lux not reported by profile soil-probe"]),
])
def test_profile_validation(values, problems):
    assert violations(values, PROBE) == problems


def test_late_and_silent_devices():
    t = datetime(2026, 4, 20, tzinfo=UTC)
    assert is_late(t, t) and not is_late(t, None)
    profiles = {"a": PROBE}
    # silent after 3 × 900 s = 2700 s
    assert silent({"a": 0.0}, profiles, 2700.0) == []
    assert silent({"a": 0.0}, profiles, 2700.5) == ["a"]


def test_history_buckets_merge_exactly_and_old_days_are_downsampled():
    assert bucket_start(1000.0) == 900
    quarter = [Bucket(86_400 + i * 900, 900, 1, float(i), float(i), float(i)) for i in range(96)]
    (day,) = merge(quarter, 86_400)
    assert (day.count, day.low, day.high, day.mean) == (96, 0.0, 95.0, 47.5)
    now = 200 * 86_400
    assert to_downsample([86_400, 86_400 + 900, 150 * 86_400], now) == [86_400]
