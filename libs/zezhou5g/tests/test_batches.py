"""Opening hub records and cutting a poll into units (pure code)."""

from zezhou5g.medical.v1 import medical_pb2
from zezhou5g.platform.batches import by_record, empty_batches, expand, units
from zezhou5g.platform.events import ConsumedEvent
from zezhou5g.platform.outbox import derived_id


def _single(n: int) -> ConsumedEvent:
    v = medical_pb2.VitalSigns(patient_id=f"p{n}", device_id=f"d{n}", seq=n)
    return ConsumedEvent("medical.vitals", 0, n, f"p{n}", v, f"ev{n}", None, 0)


def _hub(n: int, size: int) -> ConsumedEvent:
    b = medical_pb2.VitalSignsBatch(hub_id="h", sets=[
        medical_pb2.VitalSigns(patient_id=f"q{j}", seq=n) for j in range(size)])
    return ConsumedEvent("medical.vitals.batches", 1, n, "h", b, f"hub{n}", "t" * 32, 0)


def test_a_hub_record_opens_into_its_sets_with_derived_ids_and_its_record_index():
    events = [_single(1), _hub(2, 3), _single(3)]
    items = expand(events, medical_pb2.VitalSignsBatch, "sets", "medical.vitals", "medical.set",
                   "set")
    assert [(i.record, i.event.event_id, i.batched) for i in items] == [
        (0, "ev1", False),
        *[(1, derived_id("medical.set", "hub2", str(j)), True) for j in range(3)],
        (2, "ev3", False)]
    assert all(i.event.topic == "medical.vitals" for i in items)
    assert items[2].event.message.patient_id == "q1" and items[2].record_id == "hub2"
    assert items[2].event.trace_id == "t" * 32 and items[2].where == "set 1: "
    # Reasons go to the record, a batch's joined with each set's index.
    assert by_record([(items[1], "bad"), (items[3], "worse"), (items[4], "no")]) == {
        1: "set 0: bad; set 2: worse", 2: "no"}
    empty = _hub(9, 0)
    assert empty_batches([_single(1), empty], medical_pb2.VitalSignsBatch, "sets") == {
        1: ["a hub batch without readings"]}


def test_units_are_cut_between_records_only():
    events = [_single(1), _hub(2, 5), _single(3), _single(4), _hub(5, 2)]
    items = expand(events, medical_pb2.VitalSignsBatch, "sets", "medical.vitals", "medical.set",
                   "set")
    cut = units(items, most=3)
    assert [[i.record for i in u] for u in cut] == [
        [0, 1, 1, 1, 1, 1], [2, 3, 4, 4]]
    assert [i for u in cut for i in u] == items
    assert units([], most=3) == []
