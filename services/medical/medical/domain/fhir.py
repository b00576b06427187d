"""FHIR R4 export of a patient and their vital-sign Observations (pure: dicts in, dicts out).

Codes follow the FHIR R4 vital-signs profile: LOINC 8867-4 heart rate (/min), 9279-1
respiratory rate (/min), 2708-6 oxygen saturation (%), 8310-5 body temperature (Cel), 85354-9
blood pressure panel with 8480-6 systolic and 8462-4 diastolic components (mm[Hg]); UCUM units.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

LOINC = "http://loinc.org"
UCUM = "http://unitsofmeasure.org"
CATEGORY = {"coding": [{
    "system": "http://terminology.hl7.org/CodeSystem/observation-category",
    "code": "vital-signs", "display": "Vital Signs"}]}
# field → (LOINC code, display, UCUM code, unit shown)
SINGLE = {
    "heart_rate_bpm": ("8867-4", "Heart rate", "/min", "beats/minute"),
    "resp_rate_per_min": ("9279-1", "Respiratory rate", "/min", "breaths/minute"),
    "spo2_pct": ("2708-6", "Oxygen saturation in Arterial blood", "%", "%"),
    "temperature_c": ("8310-5", "Body temperature", "Cel", "C"),
}
BP_PANEL = ("85354-9", "Blood pressure panel with all children optional")
BP_PARTS = {"systolic_mmhg": ("8480-6", "Systolic blood pressure"),
            "diastolic_mmhg": ("8462-4", "Diastolic blood pressure")}


@dataclass(frozen=True)
class VitalSet:
    """One stored observation set (values may be None when not measured)."""

    event_id: str
    at: datetime
    values: dict[str, float | None]


def _code(code: str, display: str) -> dict[str, Any]:
    return {"coding": [{"system": LOINC, "code": code, "display": display}], "text": display}


def _quantity(value: float, ucum: str, unit: str) -> dict[str, Any]:
    return {"value": value, "unit": unit, "system": UCUM, "code": ucum}


def patient_resource(patient_id: str, name: str, gender: str, birth_date: str) -> dict[str, Any]:
    """A FHIR R4 Patient."""
    family, _, given = name.partition(" ")
    return {"resourceType": "Patient", "id": patient_id,
            "identifier": [{"system": "urn:zezhou5g:medical:patient", "value": patient_id}],
            "name": [{"text": name, "family": family, "given": [given] if given else []}],
            "gender": gender if gender in {"male", "female", "other", "unknown"} else "unknown",
            "birthDate": birth_date}


def observations(patient_id: str, sets: list[VitalSet]) -> list[dict[str, Any]]:
    """FHIR R4 vital-sign Observations of ``sets`` (one per measured value; BP as a panel)."""
    out: list[dict[str, Any]] = []
    for vs in sets:
        when = vs.at.isoformat()
        base = {"resourceType": "Observation", "status": "final", "category": [CATEGORY],
                "subject": {"reference": f"Patient/{patient_id}"}, "effectiveDateTime": when}
        for field, (code, display, ucum, unit) in SINGLE.items():
            value = vs.values.get(field)
            if value is None:
                continue
            out.append({**base, "id": f"{vs.event_id}-{code}",
                        "code": _code(code, display),
                        "valueQuantity": _quantity(value, ucum, unit)})
        parts = [(f, p) for f, p in BP_PARTS.items() if vs.values.get(f) is not None]
        if parts:
            out.append({**base, "id": f"{vs.event_id}-{BP_PANEL[0]}",
                        "code": _code(*BP_PANEL),
                        "component": [{"code": _code(code, display),
                                       "valueQuantity": _quantity(
                                           float(vs.values[f] or 0), "mm[Hg]", "mmHg")}
                                      for f, (code, display) in parts]})
    return out


def bundle(patient: dict[str, Any], obs: list[dict[str, Any]], at: datetime) -> dict[str, Any]:
    """A ``collection`` Bundle of the Patient and Observations."""
    entries = [patient, *obs]
    return {"resourceType": "Bundle", "type": "collection", "timestamp": at.isoformat(),
            "entry": [{"fullUrl": f"urn:zezhou5g:{r['resourceType']}/{r['id']}", "resource": r}
                      for r in entries]}
