"""Validate FHIR JSON as R4 (4.0.1): run as a script, JSON documents in, problems out.

    python r4_validate.py < docs.json      # docs.json: one resource/Bundle or a list of them

Prints a JSON list of problems (empty: all valid) and exits 0; exits 2 when the validator itself
cannot load. Three layers:

1. The ``fhir.resources`` 6.4.0 models, generated from the FHIR 4.0.1 specification: types,
   cardinality, required elements, primitive formats. That release is written for pydantic 1,
   so this process loads it on the pydantic 1 API that pydantic 2 ships as ``pydantic.v1``
   (a separate process, so the tests' own pydantic is untouched).
2. Rules of FHIR JSON and of Bundles that the models do not check: no empty strings, arrays,
   objects or nulls; required code bindings (status, gender, Bundle type, search mode); bdl-1,
   bdl-2, unique fullUrls, every ``urn:uuid`` reference resolving to an entry of the Bundle.
3. The R4 vital-signs profiles as the specification's vital-sign examples are shaped (heart
   rate, respiratory rate, oxygen saturation, body temperature, blood pressure): meta.profile,
   category vital-signs, the LOINC code, a subject, an effective time, a UCUM quantity with
   the profile's unit, or the BP panel with both systolic and diastolic components, each a
   mm[Hg] quantity or a dataAbsentReason.
"""

from __future__ import annotations

import importlib
import importlib.abc
import importlib.util
import json
import sys
from typing import Any

LOINC = "http://loinc.org"
UCUM = "http://unitsofmeasure.org"
PROFILE = "http://hl7.org/fhir/StructureDefinition/"
# Profile -> (LOINC code, UCUM unit) of R4's vital-signs profiles used here.
VITALS = {"heartrate": ("8867-4", "/min"), "resprate": ("9279-1", "/min"),
          "oxygensat": ("2708-6", "%"), "bodytemp": ("8310-5", "Cel")}
BP = {"systolic": "8480-6", "diastolic": "8462-4"}
BINDINGS = {
    ("Observation", "status"): {"registered", "preliminary", "final", "amended", "corrected",
                                "cancelled", "entered-in-error", "unknown"},
    ("Patient", "gender"): {"male", "female", "other", "unknown"},
    ("Bundle", "type"): {"document", "message", "transaction", "transaction-response", "batch",
                         "batch-response", "history", "searchset", "collection"},
}
SEARCH_MODES = {"match", "include", "outcome"}


class _PydanticV1(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    """Serves ``pydantic.X`` imports from ``pydantic.v1.X``."""

    def find_spec(self, name: str, path: object = None, target: object = None) -> Any:
        if name.startswith("pydantic.") and not name.startswith("pydantic.v1"):
            return importlib.util.spec_from_loader(name, self)
        return None

    def create_module(self, spec: Any) -> Any:
        return importlib.import_module("pydantic.v1" + spec.name[len("pydantic"):])

    def exec_module(self, module: object) -> None:
        pass


def load_models() -> dict[str, Any]:
    """The fhir.resources R4 model classes by resource type, loaded on pydantic.v1."""
    import pydantic.v1

    for name in [n for n in sys.modules if n.startswith("pydantic.")
                 and not n.startswith("pydantic.v1")]:
        del sys.modules[name]
    sys.modules["pydantic"] = pydantic.v1
    sys.meta_path.insert(0, _PydanticV1())
    import fhir.resources
    from fhir.resources.bundle import Bundle
    from fhir.resources.capabilitystatement import CapabilityStatement
    from fhir.resources.observation import Observation
    from fhir.resources.operationoutcome import OperationOutcome
    from fhir.resources.patient import Patient

    if fhir.resources.__fhir_version__ != "4.0.1":
        raise SystemExit(f"fhir.resources {fhir.resources.__version__} is FHIR "
                         f"{fhir.resources.__fhir_version__}, not R4 4.0.1")
    return {"Bundle": Bundle, "Observation": Observation, "Patient": Patient,
            "OperationOutcome": OperationOutcome, "CapabilityStatement": CapabilityStatement}


def json_rules(node: Any, where: str, out: list[str]) -> None:
    """FHIR JSON: no null, no empty string, array or object, anywhere."""
    if node is None:
        out.append(f"{where}: null")
    elif isinstance(node, str) and not node.strip():
        out.append(f"{where}: empty string")
    elif isinstance(node, list):
        if not node:
            out.append(f"{where}: empty array")
        for i, item in enumerate(node):
            json_rules(item, f"{where}[{i}]", out)
    elif isinstance(node, dict):
        if not node:
            out.append(f"{where}: empty object")
        for key, value in node.items():
            json_rules(value, f"{where}.{key}", out)


def _codes(concept: Any) -> set[tuple[str, str]]:
    return {(c.get("system"), c.get("code")) for c in (concept or {}).get("coding", [])}


def _ucum(q: Any, unit: str, where: str, out: list[str]) -> None:
    if not isinstance(q, dict) or not isinstance(q.get("value"), int | float):
        out.append(f"{where}: no numeric value")
        return
    if (q.get("system"), q.get("code")) != (UCUM, unit) or not q.get("unit"):
        out.append(f"{where}: not UCUM {unit} with a unit shown: {q}")


def vital_sign(obs: dict[str, Any], where: str, out: list[str]) -> None:
    """The R4 vital-signs profile and the specific profile ``meta.profile`` names."""
    profiles = [p[len(PROFILE):] for p in obs.get("meta", {}).get("profile", [])
                if p.startswith(PROFILE)]
    known = [p for p in profiles if p in VITALS or p == "bp"]
    if len(known) != 1:
        out.append(f"{where}: meta.profile names no single vital-signs profile: {profiles}")
        return
    if ("http://terminology.hl7.org/CodeSystem/observation-category",
            "vital-signs") not in {c for cat in obs.get("category", []) for c in _codes(cat)}:
        out.append(f"{where}: category is not vital-signs")
    if not obs.get("subject", {}).get("reference"):
        out.append(f"{where}: no subject reference")
    if not (obs.get("effectiveDateTime") or obs.get("effectivePeriod")):
        out.append(f"{where}: no effective time")
    profile = known[0]
    if profile == "bp":
        if (LOINC, "85354-9") not in _codes(obs.get("code")):
            out.append(f"{where}: bp profile without LOINC 85354-9")
        parts = {code: [c for c in obs.get("component", []) if (LOINC, code) in
                        _codes(c.get("code"))] for code in BP.values()}
        for code, found in parts.items():
            if len(found) != 1:
                out.append(f"{where}: {len(found)} components {code} (the bp profile needs 1)")
                continue
            c = found[0]
            if "valueQuantity" in c:
                _ucum(c["valueQuantity"], "mm[Hg]", f"{where}.component[{code}]", out)
            elif "dataAbsentReason" not in c:
                out.append(f"{where}.component[{code}]: neither value nor dataAbsentReason")
        return
    code, unit = VITALS[profile]
    if (LOINC, code) not in _codes(obs.get("code")):
        out.append(f"{where}: {profile} profile without LOINC {code}")
    if "valueQuantity" in obs:
        _ucum(obs["valueQuantity"], unit, where, out)
    elif "dataAbsentReason" not in obs:
        out.append(f"{where}: neither value nor dataAbsentReason")


def resource_rules(res: dict[str, Any], where: str, out: list[str]) -> None:
    """Required bindings and, for Observations, the vital-signs profiles."""
    kind = res.get("resourceType")
    for (rtype, element), allowed in BINDINGS.items():
        if kind == rtype and element in res and res[element] not in allowed:
            out.append(f"{where}.{element}: {res[element]!r} is not in its required value set")
    if kind == "Observation":
        vital_sign(res, where, out)


def bundle_rules(bundle: dict[str, Any], where: str, out: list[str]) -> None:
    """bdl-1, bdl-2, unique fullUrls, search modes, and urn:uuid references that resolve."""
    searchset = bundle.get("type") == "searchset"
    if "total" in bundle and bundle.get("type") not in {"searchset", "history"}:
        out.append(f"{where}: total outside a searchset/history (bdl-1)")
    entries = bundle.get("entry", [])
    urls = [e.get("fullUrl") for e in entries]
    if len(set(urls)) != len(urls):
        out.append(f"{where}: repeated fullUrl")
    for i, e in enumerate(entries):
        if "search" in e and not searchset:
            out.append(f"{where}.entry[{i}]: search outside a searchset (bdl-2)")
        if searchset and e.get("search", {}).get("mode") not in SEARCH_MODES:
            out.append(f"{where}.entry[{i}]: search.mode missing or unknown")
        res = e.get("resource", {})
        url = e.get("fullUrl", "")
        if url.startswith("urn:uuid:") and len(url) != 45:
            out.append(f"{where}.entry[{i}]: fullUrl is not a urn:uuid")
        ref = res.get("subject", {}).get("reference", "")
        if ref.startswith("urn:uuid:") and ref not in urls:
            out.append(f"{where}.entry[{i}]: subject {ref} is not in the Bundle")
        resource_rules(res, f"{where}.entry[{i}].resource", out)


def problems(docs: list[dict[str, Any]], models: dict[str, Any]) -> list[str]:
    """Every problem found in ``docs`` (empty: all valid R4)."""
    out: list[str] = []
    for n, doc in enumerate(docs):
        where = f"doc[{n}]:{doc.get('resourceType')}"
        model = models.get(doc.get("resourceType", ""))
        if model is None:
            out.append(f"{where}: no model for this resource type here")
            continue
        try:
            model.parse_obj(doc)
        except Exception as exc:  # noqa: BLE001 - the model's own message is the finding
            out.append(f"{where}: {exc}")
        json_rules(doc, where, out)
        if doc.get("resourceType") == "Bundle":
            bundle_rules(doc, where, out)
        else:
            resource_rules(doc, where, out)
    return out


def main() -> int:
    """Read documents on stdin, print the problems as a JSON list."""
    docs = json.load(sys.stdin)
    docs = docs if isinstance(docs, list) else [docs]
    try:
        models = load_models()
    except ImportError as exc:
        print(f"cannot load fhir.resources R4: {exc}", file=sys.stderr)
        return 2
    print(json.dumps(problems(docs, models)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
