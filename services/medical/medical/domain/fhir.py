"""FHIR R4 (4.0.1) resources of a patient and their vital signs, and paged searchset Bundles.

Pure: values in, JSON-ready dicts out. Codes follow the R4 vital-signs profiles, each named in
the Observation's ``meta.profile``: LOINC 8867-4 heart rate (``/min``, profile ``heartrate``),
9279-1 respiratory rate (``/min``, ``resprate``), 2708-6 oxygen saturation (``%``,
``oxygensat``), 8310-5 body temperature (``Cel``, ``bodytemp``), and the 85354-9 blood pressure
panel (``bp``) that always carries both its 8480-6 systolic and 8462-4 diastolic components in
``mm[Hg]``: a part that was not measured has a ``dataAbsentReason`` instead of a value.

Identity: an Observation's id is a UUID derived from its observation set's event id and its
LOINC code, so every export names it the same; Bundle entries are ``urn:uuid:`` fullUrls and an
Observation's ``subject`` references the Patient's entry by that urn (the Patient is included in
every page, so the reference resolves in the page that holds it). Nothing is written empty: no
empty string, array or object, which FHIR JSON forbids.

Paging: Observations are ordered by (time, set event id, index within the set). A
:class:`Position` names the next Observation to return and travels as an opaque cursor with the
total counted when the first page was made.
"""

from __future__ import annotations

import base64
import binascii
import functools
import hashlib
import json
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

LOINC = "http://loinc.org"
UCUM = "http://unitsofmeasure.org"
PROFILE = "http://hl7.org/fhir/StructureDefinition/"
ABSENT = "http://terminology.hl7.org/CodeSystem/data-absent-reason"
PATIENT_SYSTEM = "urn:zezhou5g:medical:patient"
# Stable namespace of the UUIDs derived here (resource ids and urn:uuid fullUrls).
NAMESPACE = uuid.UUID("6f0b7c8e-5d1a-4f3e-9a77-2c1f0e6d9b41")
_NS_BYTES = NAMESPACE.bytes
CATEGORY = {"coding": [{
    "system": "http://terminology.hl7.org/CodeSystem/observation-category",
    "code": "vital-signs", "display": "Vital Signs"}], "text": "Vital Signs"}
# Largest page the export makes, in Observations: ~0.7 kB each, so a page stays near 0.7 MB,
# well under gRPC's 4 MB message limit whatever the time range.
MAX_PAGE = 1000
DEFAULT_PAGE = 500
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
# An index past any set's Observations (a set makes at most 5): "after this set".
SET_END = 16


@dataclass(frozen=True)
class Vital:
    """A single-valued vital sign: LOINC code and display, UCUM code, unit shown, profile."""

    code: str
    display: str
    ucum: str
    unit: str
    profile: str


# Observation set field -> vital sign, in the order a set's Observations are written.
SINGLE = {
    "heart_rate_bpm": Vital("8867-4", "Heart rate", "/min", "beats/minute", "heartrate"),
    "resp_rate_per_min": Vital("9279-1", "Respiratory rate", "/min", "breaths/minute",
                               "resprate"),
    "spo2_pct": Vital("2708-6", "Oxygen saturation in Arterial blood", "%", "%", "oxygensat"),
    "temperature_c": Vital("8310-5", "Body temperature", "Cel", "C", "bodytemp"),
}
BP_PANEL = ("85354-9", "Blood pressure panel with all children optional")
BP_PARTS = {"systolic_mmhg": ("8480-6", "Systolic blood pressure"),
            "diastolic_mmhg": ("8462-4", "Diastolic blood pressure")}
FIELDS = (*SINGLE, *BP_PARTS)


@dataclass(frozen=True)
class VitalSet:
    """One stored observation set: its event id, UTC time, and values (None: not measured).

    Units as in ``VitalSigns``: /min, %SpO2, °C, mmHg.
    """

    event_id: str
    at: datetime
    values: dict[str, float | None]


@dataclass(frozen=True)
class Position:
    """Where a page starts.

    The set (UTC time in µs, event id) and the index of its next Observation (0: its first).
    """

    at_us: int
    event_id: str
    index: int = 0

    @property
    def at(self) -> datetime:
        """The set's time as an aware UTC datetime."""
        return EPOCH + timedelta(microseconds=self.at_us)


class CursorError(ValueError):
    """A cursor that this export did not make (or that was altered)."""


def encode_cursor(position: Position, total: int) -> str:
    """An opaque, URL-safe cursor for ``position`` carrying the search's ``total``."""
    raw = json.dumps([position.at_us, position.event_id, position.index, total],
                     separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str) -> tuple[Position, int]:
    """The position and total of a cursor made by :func:`encode_cursor`; CursorError else."""
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        at_us, event_id, index, total = json.loads(raw)
    except (binascii.Error, ValueError, TypeError) as exc:
        raise CursorError("not a cursor of this export") from exc
    if not (isinstance(at_us, int) and isinstance(event_id, str) and event_id
            and isinstance(index, int) and isinstance(total, int)
            and at_us >= 0 and 0 <= index < SET_END and total >= 0):
        raise CursorError("not a cursor of this export")
    return Position(at_us, event_id, index), total


def to_us(at: datetime) -> int:
    """``at`` (naive = UTC) as integer microseconds since the epoch."""
    aware = at if at.tzinfo else at.replace(tzinfo=UTC)
    delta = aware - EPOCH
    return (delta.days * 86_400 + delta.seconds) * 1_000_000 + delta.microseconds


def _uuid(*parts: str) -> str:
    """``str(uuid.uuid5(NAMESPACE, "/".join(parts)))``, without building UUID objects.

    A page of 1000 Observations derives 1000 of them; the UUID class made that half the cost.
    """
    digest = bytearray(hashlib.sha1(_NS_BYTES + "/".join(parts).encode()).digest()[:16])
    digest[6] = (digest[6] & 0x0F) | 0x50
    digest[8] = (digest[8] & 0x3F) | 0x80
    h = digest.hex()
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"


@functools.lru_cache(maxsize=1024)
def patient_urn(patient_id: str) -> str:
    """The ``urn:uuid:`` under which the Patient appears in every Bundle."""
    return f"urn:uuid:{_uuid('Patient', patient_id)}"


def _code(code: str, display: str) -> dict[str, Any]:
    return {"coding": [{"system": LOINC, "code": code, "display": display}], "text": display}


def _quantity(value: float, ucum: str, unit: str) -> dict[str, Any]:
    return {"value": value, "unit": unit, "system": UCUM, "code": ucum}


def _absent() -> dict[str, Any]:
    return {"coding": [{"system": ABSENT, "code": "unknown", "display": "Unknown"}],
            "text": "not measured"}


def _instant(at: datetime) -> str:
    aware = at if at.tzinfo else at.replace(tzinfo=UTC)
    return aware.astimezone(UTC).isoformat().replace("+00:00", "Z")


def patient_resource(patient_id: str, name: str, gender: str, birth_date: str) -> dict[str, Any]:
    """A FHIR R4 Patient; a part that is not known is left out (never written empty).

    ``name`` is "Family Given" (the cohort's order); ``birth_date`` is ``YYYY-MM-DD`` or "".
    """
    resource: dict[str, Any] = {
        "resourceType": "Patient", "id": patient_id,
        "identifier": [{"system": PATIENT_SYSTEM, "value": patient_id}]}
    family, _, given = name.strip().partition(" ")
    if family:
        human: dict[str, Any] = {"text": name.strip(), "family": family}
        if given.strip():
            human["given"] = given.split()
        resource["name"] = [human]
    resource["gender"] = gender if gender in {"male", "female", "other"} else "unknown"
    if birth_date:
        resource["birthDate"] = birth_date
    return resource


def set_observations(patient_id: str, vs: VitalSet) -> list[dict[str, Any]]:
    """The vital-sign Observations of one set, in a fixed order (singles, then the BP panel)."""
    base = {"status": "final", "category": [CATEGORY],
            "subject": {"reference": patient_urn(patient_id),
                        "identifier": {"system": PATIENT_SYSTEM, "value": patient_id}},
            "effectiveDateTime": _instant(vs.at)}
    out: list[dict[str, Any]] = []
    for field, v in SINGLE.items():
        value = vs.values.get(field)
        if value is None:
            continue
        out.append({"resourceType": "Observation", "id": _uuid(vs.event_id, v.code),
                    "meta": {"profile": [PROFILE + v.profile]}, **base,
                    "code": _code(v.code, v.display),
                    "valueQuantity": _quantity(value, v.ucum, v.unit)})
    if any(vs.values.get(f) is not None for f in BP_PARTS):
        components = []
        for field, (code, display) in BP_PARTS.items():
            value = vs.values.get(field)
            component: dict[str, Any] = {"code": _code(code, display)}
            if value is None:
                component["dataAbsentReason"] = _absent()
            else:
                component["valueQuantity"] = _quantity(value, "mm[Hg]", "mmHg")
            components.append(component)
        out.append({"resourceType": "Observation", "id": _uuid(vs.event_id, BP_PANEL[0]),
                    "meta": {"profile": [PROFILE + "bp"]}, **base,
                    "code": _code(*BP_PANEL), "component": components})
    return out


def observations(patient_id: str, sets: list[VitalSet]) -> list[dict[str, Any]]:
    """The vital-sign Observations of ``sets``, in order."""
    return [o for vs in sets for o in set_observations(patient_id, vs)]


def entry(resource: dict[str, Any], mode: str) -> dict[str, Any]:
    """A searchset entry: urn:uuid fullUrl, the resource, and its search mode."""
    if resource["resourceType"] == "Patient":
        full_url = patient_urn(resource["id"])
    else:
        full_url = f"urn:uuid:{resource['id']}"
    return {"fullUrl": full_url, "resource": resource, "search": {"mode": mode}}


def searchset(patient: dict[str, Any], obs: list[dict[str, Any]], total: int,
              at: datetime) -> dict[str, Any]:
    """One page of an Observation search.

    ``total`` matches in all pages, this page's Observations (mode ``match``) and the Patient
    they reference (mode ``include``). Links (self, next) are the HTTP facade's to add:
    they are its URLs.
    """
    return {"resourceType": "Bundle", "type": "searchset", "timestamp": _instant(at),
            "total": total,
            "entry": [entry(patient, "include"), *(entry(o, "match") for o in obs)]}
