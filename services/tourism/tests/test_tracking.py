"""Feet tracker and entrance-line counting on synthetic walks (pixels)."""

import numpy as np
from tourism.domain.tracking import FeetTracker, LineCounter


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
