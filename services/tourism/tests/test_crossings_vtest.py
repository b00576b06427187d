"""Entrance counting on real pixels against hand counts: vtest.avi frames 0–399 through the
service's detector (centernet) at the demo gate camera's 2 frames/s, the feet tracker and the
line counter, compared crossing by crossing with tests/data/vtest_crossings.toml."""

import tomllib
from pathlib import Path

import pytest
from tourism.domain.tracking import FeetTracker, LineCounter

# Real networks on real pixels or real-time camera waits: seconds per test, not in make test-fast.
pytestmark = pytest.mark.slow

HAND = tomllib.loads((Path(__file__).parent / "data" / "vtest_crossings.toml").read_text("utf-8"))
STEP = 5            # vtest.avi is 10 frames/s; the demo gate camera samples 2 frames/s
MATCH_FRAMES = 20   # a counted crossing matches a hand-counted one this close, same direction


def match(counted: list[tuple[int, str]], hand: list[tuple[int, str]]) -> tuple[int, int]:
    """(hand crossings matched, counted crossings left unmatched), nearest first."""
    free = list(counted)
    matched = 0
    for frame, direction in hand:
        near = [c for c in free if c[1] == direction and abs(c[0] - frame) <= MATCH_FRAMES]
        if near:
            free.remove(min(near, key=lambda c: abs(c[0] - frame)))
            matched += 1
    return matched, len(free)


@pytest.fixture(scope="module")
def boxes():
    from zezhou5g.vision import PersonDetector, samples

    first, last = HAND["frames"]
    idx = list(range(first, last, STEP))
    frames = samples.read_frames(samples.vtest_path(), idx)
    det = PersonDetector("centernet")
    return {i: det.detect([frames[i]])[0].boxes for i in idx}


def count(boxes, **kw) -> list[tuple[int, str]]:
    tracker, counter = FeetTracker(), LineCounter(*HAND["line"], **kw)
    out: list[tuple[int, str]] = []
    for i in sorted(boxes):
        n_in, n_out = counter.update(tracker.update(boxes[i]))
        out += [(i, "in")] * n_in + [(i, "out")] * n_out
    return out


def test_gate_counts_match_hand_counts(boxes):
    hand = [(c["frame"], c["direction"]) for c in HAND["crossings"]]
    counted = count(boxes)
    matched, extra = match(counted, hand)
    hand_in = sum(d == "in" for _, d in hand)
    got_in = sum(d == "in" for _, d in counted)
    assert matched >= 0.8 * len(hand), (matched, counted)
    assert extra <= 1, counted
    assert abs(got_in - hand_in) <= 2
    assert abs((len(counted) - got_in) - (len(hand) - hand_in)) <= 2


def test_without_hysteresis_flicker_counts_too_much(boxes):
    """The same frames with no margin and unconfirmed tracks: what the hysteresis prevents."""
    hand = [(c["frame"], c["direction"]) for c in HAND["crossings"]]
    loose = count(boxes, margin_px=0.0, min_hits=1)
    strict = count(boxes)
    assert match(loose, hand)[1] >= match(strict, hand)[1]
