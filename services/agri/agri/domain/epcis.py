"""Product traceability as a hash-chained list of GS1 EPCIS 2.0 events.

Each stored event carries ``prev_hash`` (the previous event's hash, 64 zeros for the first) and
``hash`` = SHA-256 over the canonical JSON of the event together with ``prev_hash``. Canonical JSON:
keys sorted, no insignificant whitespace, UTF-8 (RFC 8785 for the values used here: strings,
integers, finite decimals written by Python's shortest round-trip repr). Changing any stored
event breaks its own hash and therefore every later link: :func:`verify` names the first one.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

GENESIS = "0" * 64
EPCIS_CONTEXT = "https://ref.gs1.org/standards/epcis/epcis-context.jsonld"
EVENT_TYPES = frozenset({"ObjectEvent", "AggregationEvent", "TransformationEvent",
                         "AssociationEvent", "TransactionEvent"})


def canonical(value: Any) -> bytes:
    """Canonical JSON bytes of ``value`` (sorted keys, compact separators, UTF-8)."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False,
                      allow_nan=False).encode("utf-8")


def link_hash(event: Mapping[str, Any], prev_hash: str) -> str:
    """SHA-256 hex of ``{"event": event, "prevHash": prev_hash}`` in canonical JSON."""
    return hashlib.sha256(canonical({"event": event, "prevHash": prev_hash})).hexdigest()


@dataclass(frozen=True)
class Link:
    """One stored event of a chain."""

    seq: int
    event: Mapping[str, Any]
    prev_hash: str
    hash: str


def append(chain: Sequence[Link], event: Mapping[str, Any]) -> Link:
    """The link that appends ``event`` (an EPCIS 2.0 event dict) to ``chain``."""
    kind = event.get("type")
    if kind not in EVENT_TYPES:
        raise ValueError(f"not an EPCIS 2.0 event type: {kind!r}")
    if "eventTime" not in event or "action" not in event and kind != "TransformationEvent":
        raise ValueError("an EPCIS event needs eventTime (and action, except transformations)")
    prev = chain[-1].hash if chain else GENESIS
    return Link(len(chain), event, prev, link_hash(event, prev))


@dataclass(frozen=True)
class Verification:
    """Result of checking a chain: per-link validity and the first invalid index (-1: none)."""

    valid: list[bool]
    first_invalid: int

    @property
    def ok(self) -> bool:
        """Every link is valid."""
        return self.first_invalid < 0


def verify(chain: Sequence[Link]) -> Verification:
    """Recompute every hash and link; a link after a broken one is invalid too."""
    valid: list[bool] = []
    expected_prev = GENESIS
    broken = False
    for link in chain:
        good = (not broken and link.prev_hash == expected_prev
                and link_hash(link.event, link.prev_hash) == link.hash)
        broken = broken or not good
        valid.append(good)
        expected_prev = link.hash
    first = valid.index(False) if False in valid else -1
    return Verification(valid, first)


def object_event(when: str, action: str, epcs: list[str], biz_step: str, location: str,
                 **extra: Any) -> dict[str, Any]:
    """An EPCIS 2.0 ObjectEvent (``when`` ISO 8601 UTC; ``epcs`` as GS1 URNs or class URNs)."""
    event: dict[str, Any] = {
        "type": "ObjectEvent", "eventTime": when, "eventTimeZoneOffset": "+08:00",
        "action": action, "bizStep": biz_step, "readPoint": {"id": location}}
    if epcs and epcs[0].startswith("urn:epc:class:"):
        event["quantityList"] = [{"epcClass": e, "quantity": extra.pop("quantity", 1),
                                  "uom": extra.pop("uom", "KGM")} for e in epcs]
    else:
        event["epcList"] = epcs
    return event | extra


def transformation_event(when: str, inputs: list[str], outputs: list[str], biz_step: str,
                         location: str, **extra: Any) -> dict[str, Any]:
    """An EPCIS 2.0 TransformationEvent (inputs consumed, outputs produced)."""
    return {"type": "TransformationEvent", "eventTime": when, "eventTimeZoneOffset": "+08:00",
            "inputEPCList": inputs, "outputEPCList": outputs, "bizStep": biz_step,
            "readPoint": {"id": location}} | extra


def aggregation_event(when: str, parent: str, children: list[str], biz_step: str,
                      location: str, **extra: Any) -> dict[str, Any]:
    """An EPCIS 2.0 AggregationEvent (children packed into ``parent``)."""
    return {"type": "AggregationEvent", "eventTime": when, "eventTimeZoneOffset": "+08:00",
            "action": "ADD", "parentID": parent, "childEPCs": children, "bizStep": biz_step,
            "readPoint": {"id": location}} | extra
