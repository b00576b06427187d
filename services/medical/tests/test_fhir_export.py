"""FHIR R4 export: resources validated as R4 4.0.1 (fhir.resources 6.4.0 models, FHIR JSON and
Bundle rules, the vital-signs profiles; see r4_validate.py), paging over real SQL stores."""

import json
import subprocess
import sys
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from medical.adapters.observation_pages import ObservationPages
from medical.adapters.records import ObservationRow, Records
from medical.app.fhir_export import FhirExport
from medical.config import COHORT
from medical.domain import fhir
from medical.main import MIGRATIONS, load_cohort
from sqlalchemy import insert
from sqlalchemy.orm import Session
from zezhou5g.platform.db import make_engine, migrate

VALIDATOR = Path(__file__).with_name("r4_validate.py")
T0 = datetime(2026, 11, 22, 8, 0, tzinfo=UTC)
FULL = {"heart_rate_bpm": 88.0, "resp_rate_per_min": 18.0, "spo2_pct": 96.0,
        "systolic_mmhg": 112.0, "diastolic_mmhg": 70.0, "temperature_c": 37.4}


def r4_problems(docs: list[dict]) -> list[str]:
    """What the R4 validator finds in ``docs`` (it runs in its own process)."""
    done = subprocess.run([sys.executable, str(VALIDATOR)], input=json.dumps(docs),  # noqa: S603
                          capture_output=True, text=True, timeout=240)
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout)


def _sets() -> list[fhir.VitalSet]:
    return [fhir.VitalSet("3f2a5e0c-1111-4c3b-9a51-000000000001", T0, FULL),
            fhir.VitalSet("3f2a5e0c-1111-4c3b-9a51-000000000002", T0 + timedelta(seconds=1),
                          {"heart_rate_bpm": 90.0, "spo2_pct": None, "systolic_mmhg": 131.0}),
            fhir.VitalSet("3f2a5e0c-1111-4c3b-9a51-000000000003",
                          T0 + timedelta(seconds=2, microseconds=250_000),
                          {"diastolic_mmhg": 81.0, "temperature_c": 36.6})]


def _page(patient=None) -> dict:
    patient = patient or fhir.patient_resource("p-1003", "Wang Fang", "female", "1961-07-21")
    obs = fhir.observations("p-1003", _sets())
    return fhir.searchset(patient, obs, len(obs), T0)


def test_export_validates_as_fhir_r4_including_partial_sets_and_sparse_patients():
    docs = [_page(),
            _page(fhir.patient_resource("p-1003", "Madonna", "", "")),
            _page(fhir.patient_resource("p-1003", "", "female", "1961-07-21")),
            fhir.patient_resource("p-7", "Li  Xiao Ming", "male", "1950-01-02")]
    assert r4_problems(docs) == []
    sparse = fhir.patient_resource("p-1003", "Madonna", "", "")
    assert sparse == {"resourceType": "Patient", "id": "p-1003", "identifier": [
        {"system": fhir.PATIENT_SYSTEM, "value": "p-1003"}],
        "name": [{"text": "Madonna", "family": "Madonna"}], "gender": "unknown"}
    assert fhir.patient_resource("p-7", "Li  Xiao Ming", "male", "")["name"][0]["given"] == [
        "Xiao", "Ming"]


def test_validator_finds_the_defects_the_old_export_had():
    """The validator can fail: what issue 17 found in the collection export is reported."""
    old_bp = {"resourceType": "Observation", "id": "e1-85354-9", "status": "final",
              "category": [fhir.CATEGORY], "subject": {"reference": "Patient/p-1003"},
              "effectiveDateTime": "2026-11-22T08:00:00+00:00", "code": {"coding": [
                  {"system": fhir.LOINC, "code": "85354-9"}]},
              "component": [{"code": {"coding": [{"system": fhir.LOINC, "code": "8480-6"}]},
                             "valueQuantity": {"value": 120, "unit": "mmHg",
                                               "system": fhir.UCUM, "code": "mm[Hg]"}}]}
    old = {"resourceType": "Bundle", "type": "collection", "entry": [
        {"fullUrl": "urn:zezhou5g:Patient/p-1003", "resource": {
            "resourceType": "Patient", "id": "p-1003", "name": [{"family": "X", "given": []}],
            "birthDate": ""}},
        {"fullUrl": "urn:zezhou5g:Observation/e1-85354-9", "resource": old_bp}]}
    profiled = {**old_bp, "meta": {"profile": [fhir.PROFILE + "bp"]}}
    dangling = _page()
    dangling["entry"] = dangling["entry"][1:]        # the Patient left out of the page
    found = r4_problems([old, profiled, dangling])
    in_doc = {n: "\n".join(p for p in found if p.startswith(f"doc[{n}]")) for n in range(3)}
    assert "birthDate" in in_doc[0]                   # the R4 model rejects ""
    assert "given: empty array" in in_doc[0]          # a FHIR JSON rule
    assert "meta.profile names no single" in in_doc[0]
    assert "0 components 8462-4" in in_doc[1]         # the bp profile wants both
    assert "is not in the Bundle" in in_doc[2]


def test_bp_panel_always_has_both_components_and_absent_parts_say_so():
    obs = fhir.observations("p-1003", _sets())
    panels = [o for o in obs if o["code"]["coding"][0]["code"] == "85354-9"]
    assert len(panels) == 3
    parts = [{c["code"]["coding"][0]["code"]: c.get("valueQuantity", {}).get("value",
              c.get("dataAbsentReason", {}).get("coding", [{}])[0].get("code"))
              for c in p["component"]} for p in panels]
    assert parts == [{"8480-6": 112.0, "8462-4": 70.0}, {"8480-6": 131.0, "8462-4": "unknown"},
                     {"8480-6": "unknown", "8462-4": 81.0}]


def test_full_urls_are_urn_uuids_the_subjects_reference_and_ids_are_stable():
    page = _page()
    urls = [e["fullUrl"] for e in page["entry"]]
    assert all(u.startswith("urn:uuid:") and len(u) == 45 for u in urls)
    patient_url = page["entry"][0]["fullUrl"]
    assert page["entry"][0]["search"]["mode"] == "include"
    matches = page["entry"][1:]
    assert {e["resource"]["subject"]["reference"] for e in matches} == {patient_url}
    assert all(e["fullUrl"] == f"urn:uuid:{e['resource']['id']}" for e in matches)
    assert len(set(urls)) == len(urls) == 1 + 5 + 2 + 2
    assert [e["fullUrl"] for e in _page()["entry"]] == urls  # same export, same names
    assert matches[0]["resource"]["id"] == str(uuid.uuid5(
        fhir.NAMESPACE, f"{_sets()[0].event_id}/8867-4"))  # a real name-based (v5) UUID


def test_loinc_codes_ucum_units_and_profiles():
    obs = fhir.observations("p-1003", _sets()[:1])
    got = {o["code"]["coding"][0]["code"]: (o["meta"]["profile"][0].rsplit("/", 1)[1],
                                            o.get("valueQuantity", {}).get("code")) for o in obs}
    assert got == {"8867-4": ("heartrate", "/min"), "9279-1": ("resprate", "/min"),
                   "2708-6": ("oxygensat", "%"), "8310-5": ("bodytemp", "Cel"),
                   "85354-9": ("bp", None)}
    assert all(o["effectiveDateTime"] == "2026-11-22T08:00:00Z" for o in obs)


def _paths(node, prefix=""):
    if isinstance(node, dict):
        return {p for k, v in node.items() for p in _paths(v, f"{prefix}.{k}" if prefix else k)}
    if isinstance(node, list):
        return {p for v in node for p in _paths(v, f"{prefix}[]")}
    return {prefix}


# Element paths that the R4 specification's vital-sign examples (heart rate, blood pressure)
# carry and an export of the same measurement must carry too.
EXAMPLE_HEART_RATE = {
    "resourceType", "id", "meta.profile[]", "status", "category[].coding[].system",
    "category[].coding[].code", "category[].coding[].display", "category[].text",
    "code.coding[].system", "code.coding[].code", "code.coding[].display", "code.text",
    "subject.reference", "effectiveDateTime", "valueQuantity.value", "valueQuantity.unit",
    "valueQuantity.system", "valueQuantity.code"}
EXAMPLE_BP = (EXAMPLE_HEART_RATE - {p for p in EXAMPLE_HEART_RATE if p.startswith("value")}) | {
    "component[].code.coding[].system", "component[].code.coding[].code",
    "component[].code.coding[].display", "component[].code.text",
    "component[].valueQuantity.value", "component[].valueQuantity.unit",
    "component[].valueQuantity.system", "component[].valueQuantity.code"}


def test_structure_matches_the_official_vital_sign_examples():
    by_code = {o["code"]["coding"][0]["code"]: o for o in fhir.observations("p-1003",
                                                                            _sets()[:1])}
    extra = {"subject.identifier.system", "subject.identifier.value"}
    assert _paths(by_code["8867-4"]) == EXAMPLE_HEART_RATE | extra
    assert _paths(by_code["85354-9"]) == EXAMPLE_BP | extra


def test_cursor_round_trips_and_refuses_what_it_did_not_make():
    pos = fhir.Position(fhir.to_us(T0 + timedelta(microseconds=7)), "ev-1", 3)
    assert fhir.decode_cursor(fhir.encode_cursor(pos, 42)) == (pos, 42)
    assert pos.at == T0 + timedelta(microseconds=7)
    for bad in ("", "not-a-cursor", fhir.encode_cursor(pos, 1)[:-3],
                fhir.encode_cursor(fhir.Position(0, "e", fhir.SET_END), 1)):
        with pytest.raises(fhir.CursorError):
            fhir.decode_cursor(bad)


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.integration)])
def export(request, tmp_path):
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path}/medical.db"
    else:
        url = request.getfixturevalue("postgres").create_database(
            f"medical_fhir_{uuid.uuid4().hex[:12]}")  # a database per test: rows of its own
    migrate(url, MIGRATIONS)
    engine = make_engine(url)
    Records(engine).load_cohort(*load_cohort(COHORT))
    yield engine, FhirExport(ObservationPages(engine))
    engine.dispose()


def _store(engine, sets: list[fhir.VitalSet], patient_id: str = "p-1003") -> None:
    rows = [{"event_id": vs.event_id, "patient_id": patient_id, "device_id": "w", "at": vs.at,
             "consciousness": 0, "news2": 0, "risk": "low",
             **{f: vs.values.get(f) for f in fhir.FIELDS}} for vs in sets]
    with Session(engine) as s, s.begin():
        s.execute(insert(ObservationRow), rows)


def _walk(export: FhirExport, since, until, count) -> list[dict]:
    patient = fhir.patient_resource("p-1003", "Wang Fang", "female", "1961-07-21")
    pages, cursor = [], ""
    while True:
        page = export.page(patient, since, until, count, cursor)
        pages.append(page)
        cursor = page.next_cursor
        if not cursor:
            return pages


def test_pages_cover_the_range_once_in_order_whatever_the_page_size(export):
    engine, pages = export
    # Sets of 5, 2 and 3 Observations; two sets share a time (ordered by event id).
    sets = [fhir.VitalSet(f"ev-{n:04d}", T0 + timedelta(seconds=n // 2),
                          [FULL, {"heart_rate_bpm": 70.0 + n, "spo2_pct": 97.0},
                           {"resp_rate_per_min": 16.0, "systolic_mmhg": 120.0,
                            "temperature_c": 37.0}][n % 3]) for n in range(40)]
    _store(engine, sets)
    _store(engine, [fhir.VitalSet("other-1", T0, FULL)], "p-1001")  # someone else's
    expected = [o["id"] for o in fhir.observations("p-1003", sets[4:36])]
    since, until = sets[4].at, sets[35].at
    assert len(expected) == 10 * 5 + 11 * 2 + 11 * 3
    for count in (1, 3, 5, 7, 500):
        walked = _walk(pages, since, until, count)
        ids = [e["resource"]["id"] for p in walked for e in p.bundle["entry"][1:]]
        assert ids == expected, count
        assert all(p.total == len(expected) == p.bundle["total"] for p in walked)
        assert all(len(p.bundle["entry"]) - 1 <= count for p in walked)
        assert len(walked) == -(-len(expected) // count)  # no empty last page
    # A sliced export: nothing after ``until``, and an open end reads to the last set.
    assert len(_walk(pages, sets[0].at, None, 500)[0].bundle["entry"]) - 1 == len(
        fhir.observations("p-1003", sets))
    assert pages.page(fhir.patient_resource("p-1003", "W F", "", ""),
                      T0 + timedelta(days=1), None, 10).bundle["total"] == 0


def test_a_page_of_the_largest_size_stays_under_one_megabyte(export):
    engine, pages = export
    sets = [fhir.VitalSet(f"3f2a5e0c-2222-4c3b-9a51-{n:012d}", T0 + timedelta(seconds=n), FULL)
            for n in range(fhir.MAX_PAGE // 5 + 1)]
    _store(engine, sets)
    walked = _walk(pages, T0, None, 5000)  # asks for more than the bound
    assert [len(p.bundle["entry"]) - 1 for p in walked] == [fhir.MAX_PAGE, 5]
    assert len(json.dumps(walked[0].bundle, separators=(",", ":"))) < 1_000_000
    assert r4_problems([p.bundle for p in walked]) == []
