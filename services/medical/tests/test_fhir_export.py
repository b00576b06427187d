"""FHIR R4 export validated with the fhir.resources models (R4B: Patient, Observation and Bundle
are the same as R4 4.0.1)."""

import json
from datetime import UTC, datetime, timedelta

from fhir.resources.R4B.bundle import Bundle
from fhir.resources.R4B.observation import Observation
from fhir.resources.R4B.patient import Patient
from medical.domain import fhir

T0 = datetime(2026, 11, 22, 8, 0, tzinfo=UTC)


def _bundle():
    sets = [fhir.VitalSet("3f2a5e0c-1111-4c3b-9a51-000000000001", T0, {
        "heart_rate_bpm": 88.0, "resp_rate_per_min": 18.0, "spo2_pct": 96.0,
        "systolic_mmhg": 112.0, "diastolic_mmhg": 70.0, "temperature_c": 37.4}),
        fhir.VitalSet("3f2a5e0c-1111-4c3b-9a51-000000000002", T0 + timedelta(seconds=1),
                      {"heart_rate_bpm": 90.0, "spo2_pct": None})]
    return fhir.bundle(fhir.patient_resource("p-1003", "Wang Fang", "female", "1961-07-21"),
                       fhir.observations("p-1003", sets), T0)


def test_bundle_parses_as_fhir_r4_and_round_trips():
    raw = json.loads(json.dumps(_bundle()))
    bundle = Bundle.model_validate(raw)
    assert bundle.type == "collection"
    resources = [e.resource for e in bundle.entry]
    assert isinstance(resources[0], Patient) and resources[0].birthDate.isoformat() == "1961-07-21"
    obs = [r for r in resources if isinstance(r, Observation)]
    # 4 single values + 1 BP panel for the first set, heart rate only for the second.
    assert len(obs) == 6
    assert len({o.id for o in obs}) == 6


def test_loinc_codes_and_ucum_units():
    obs = [Observation.model_validate(e["resource"]) for e in _bundle()["entry"][1:]]
    by_code = {o.code.coding[0].code: o for o in obs if o.valueQuantity is not None}
    expected = {"8867-4": "/min", "9279-1": "/min", "2708-6": "%", "8310-5": "Cel"}
    assert {c: by_code[c].valueQuantity.code for c in expected} == expected
    assert all(o.code.coding[0].system == "http://loinc.org" for o in obs)
    assert all(q.valueQuantity.system == "http://unitsofmeasure.org" for q in by_code.values())
    (bp,) = [o for o in obs if o.code.coding[0].code == "85354-9"]
    parts = {c.code.coding[0].code: (c.valueQuantity.value, c.valueQuantity.code)
             for c in bp.component}
    assert parts == {"8480-6": (112, "mm[Hg]"), "8462-4": (70, "mm[Hg]")}
    assert all(o.category[0].coding[0].code == "vital-signs" for o in obs)
    assert all(o.subject.reference == "Patient/p-1003" for o in obs)
