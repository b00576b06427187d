"""The area file: the shipped Jueshan/Dayang file is valid; mistakes are reported clearly."""

import copy
import tomllib

import pytest
from tourism.areas import DEFAULT_FILE, AreaConfigError, dump_areas, load_areas, parse_areas


@pytest.fixture
def raw():
    return tomllib.loads(DEFAULT_FILE.read_text(encoding="utf-8"))


def test_shipped_file_has_both_areas_with_lbt_capacities():
    cfg = load_areas()
    assert set(cfg.areas) == {"jueshan", "dayang"}
    plaza = cfg.zones["jueshan-gate-plaza"]
    # Trapezoid 80 m far edge, 40 m near edge, 90 m deep = 5,400 m²; 50 m²/person → 108.
    assert plaza.area_m2 == pytest.approx(5400.0)
    assert plaza.capacity == 108
    assert plaza.queue_per_min == 30
    # Sized as real places: every zone holds tens to hundreds, each area thousands a day.
    assert all(z.capacity >= 50 for z in cfg.zones.values())
    assert all(a.daily_capacity >= 1000 for a in cfg.areas.values())
    jueshan = cfg.areas["jueshan"]
    assert jueshan.instantaneous_capacity == sum(
        z.capacity for z in cfg.zones.values() if z.area == "jueshan")
    assert jueshan.daily_capacity == int(jueshan.instantaneous_capacity * 10 / 3)
    for z in cfg.zones.values():
        assert z.name_zh and z.name_en and z.camera in cfg.cameras


def mutate(raw, section, index, **changes):
    out = copy.deepcopy(raw)
    out[section][index].update(changes)
    return out


@pytest.mark.parametrize("section,index,changes,message", [
    ("zones", 0, {"area_per_visitor_m2": 20}, "outside GB/T 50298-2018's 50–100 m²/person"),
    ("zones", 0, {"kind": "beach"}, "kind 'beach' is not one of"),
    ("zones", 0, {"camera": "cam-nowhere"}, "zones[0] jueshan-gate-plaza: unknown camera"),
    ("zones", 0, {"camera": "cam-dayang-street"}, "is in area dayang, not jueshan"),
    ("zones", 0, {"polygon": [[0, 0], [100, 100], [100, 0], [0, 100]]}, "edges cross"),
    ("zones", 0, {"polygon": [[0, 0], [10, 0]]}, "zones[0] jueshan-gate-plaza: polygon"),
    ("zones", 0, {"busy_at": 0.9}, "need 0 < busy_at (0.9) < crowded_at"),
    ("zones", 1, {"id": "jueshan-gate-plaza"}, "duplicate id 'jueshan-gate-plaza'"),
    ("cameras", 0, {"image_points": [[0, 0], [1, 1], [2, 2], [3, 5]]}, "lie on one line"),
    ("cameras", 0, {"plan_points": [[0, 0], [1, 0]]}, "cameras[0] cam-jueshan-gate: plan_points"),
    ("cameras", 0, {"sample_fps": 0}, "sample_fps"),
    ("areas", 0, {"name_zh": ""}, "areas[0] jueshan: name_zh"),
    ("areas", 0, {"open_hours": 30}, "open_hours"),
    ("gates", 0, {"line": [[5, 5], [5, 5]]}, "the line's two points are the same"),
    ("zones", 0, {"colour": "red"}, "colour: Extra inputs are not permitted"),
])
def test_mistakes_are_named(raw, section, index, changes, message):
    with pytest.raises(AreaConfigError) as err:
        parse_areas(mutate(raw, section, index, **changes))
    assert message in str(err.value)


def test_every_problem_is_listed_at_once(raw):
    bad = mutate(raw, "zones", 0, kind="beach")
    bad["zones"][1]["camera"] = "nope"
    with pytest.raises(AreaConfigError) as err:
        parse_areas(bad)
    assert len(err.value.problems) == 2


def test_polygon_above_the_horizon_is_refused(raw):
    # Far above the trapezoid the ground plane's image ends (the horizon): no ground there.
    bad = mutate(raw, "zones", 0, polygon=[[100, -2000], [600, -2000], [600, -1500],
                                            [100, -1500]])
    with pytest.raises(AreaConfigError, match="folds over|horizon|edges cross"):
        parse_areas(bad)


def test_unreadable_file(tmp_path):
    with pytest.raises(AreaConfigError, match="cannot read"):
        load_areas(tmp_path / "missing.toml")
    broken = tmp_path / "broken.toml"
    broken.write_text("[[areas]\n")
    with pytest.raises(AreaConfigError, match="not valid TOML"):
        load_areas(broken)


def test_dump_areas_writes_what_load_reads():
    raw = tomllib.loads(DEFAULT_FILE.read_text(encoding="utf-8"))
    assert tomllib.loads(dump_areas(raw)) == raw
    odd = {"areas": [{"id": 'say "hi" \\ bye', "open": True, "hours": [1, 2.5]}]}
    assert tomllib.loads(dump_areas(odd)) == odd
