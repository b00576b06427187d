"""Feet tracker and entrance-line counting on synthetic walks (pixels)."""

import numpy as np
import pytest
from tourism.domain.tracking import FeetTracker, LineCounter, Occupancy, reconcile


def box(x, y, h=60.0, w=24.0):
    """A person box whose feet are at (x, y)."""
    return [x - w / 2, y - h, x + w / 2, y]


def run(frames, line=((768, 300), (0, 300))):
    tracker, counter = FeetTracker(), LineCounter(*line)
    ids = []
    for boxes in frames:
        tracks = tracker.update(np.array(boxes, np.float32).reshape(-1, 4))
        counter.update(tracks)
        ids.append(sorted(t.track_id for t in tracks))
    return counter, ids


def test_walking_down_across_the_line_is_one_entry():
    counter, ids = run([[box(100, 200 + 40 * i)] for i in range(6)])
    assert (counter.entries, counter.exits) == (1, 0)
    assert ids == [[1]] * 6


def test_walking_up_is_an_exit_and_two_people_keep_their_ids():
    frames = [[box(100, 400 - 40 * i), box(500, 220 + 40 * i)] for i in range(5)]
    counter, ids = run(frames)
    assert (counter.entries, counter.exits) == (1, 1)
    assert ids == [[1, 2]] * 5


def test_walking_along_the_line_or_beside_its_end_counts_nothing():
    along, _ = run([[box(100 + 40 * i, 290)] for i in range(8)])
    beside, _ = run([[box(300, 200 + 40 * i)] for i in range(6)], line=((768, 300), (400, 300)))
    assert (along.entries, along.exits, beside.entries, beside.exits) == (0, 0, 0, 0)


def test_one_missed_frame_keeps_the_track_and_the_count():
    frames = [[box(100, 220)], [box(100, 260)], [], [box(100, 340)], [box(100, 380)]]
    counter, ids = run(frames)
    assert counter.entries == 1
    assert ids[-1] == [1]


def test_a_far_jump_is_a_new_person_not_a_crossing():
    counter, ids = run([[box(100, 250)], [box(600, 400)]])
    assert counter.entries == 0
    assert ids == [[1], [2]]


def jitter_walk(ys, x=100.0):
    """One person per frame at feet (x, y) for each y."""
    return [[box(x, y)] for y in ys]


@pytest.mark.parametrize(("ys", "expected", "why"), [
    ([290, 305, 292, 308, 295, 310, 291], (0, 0), "box flicker across the line"),
    ([250, 290, 305, 318, 300, 285, 260], (0, 0), "steps on the line, turns back"),
    ([250, 280, 320, 350, 320, 280, 250], (1, 1), "goes in and comes back out"),
    ([250, 270, 310, 325, 305, 330, 350], (1, 0), "wobbles after crossing: still one"),
    ([330, 350, 370], (0, 0), "first seen beyond the line: no crossing"),
])
def test_hysteresis_table(ys, expected, why):
    counter, _ = run(jitter_walk(ys))
    assert (counter.entries, counter.exits) == expected, why


def test_an_unconfirmed_track_does_not_count_until_confirmed():
    tracks = FeetTracker()
    counter = LineCounter((768, 300), (0, 300), min_hits=3)
    for y in (280, 320):
        counter.update(tracks.update(np.array([box(100, y)], np.float32)))
    assert counter.entries == 0          # hits = 2 < 3: not yet
    counter.update(tracks.update(np.array([box(100, 330)], np.float32)))
    assert counter.entries == 1          # confirmed, still beyond the line: counted once


@pytest.mark.parametrize(("start", "entries", "exits", "inside", "flag"), [
    (0, 10, 4, 6, False),
    (5, 0, 5, 0, False),
    (0, 3, 7, 0, True),       # never negative, and flagged
    (10, 0, 12, 0, True),
])
def test_occupancy_reconciles(start, entries, exits, inside, flag):
    assert reconcile(start, entries, exits) == Occupancy(inside, flag)
