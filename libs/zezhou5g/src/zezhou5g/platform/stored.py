"""Protobuf messages kept as JSON in Redis, read back across versions.

Hot state (open alerts, the latest status of a thing) outlives a deployment: the new version
reads what the old one wrote. A message field that a version replaced (its number and name
``reserved`` in the proto) is still in the stored JSON, and a plain ``json_format.Parse``
refuses the whole record, which stops whatever loop reads it. :func:`parse_stored` reads such
a record: each replaced field that has a successor is carried over through a table of its
old values, and any other field the message no longer has is dropped.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TypeVar

from google.protobuf import json_format
from google.protobuf.message import Message

M = TypeVar("M", bound=Message)


@dataclass(frozen=True)
class Replaced:
    """A field an older version wrote, and the field that carries its meaning now.

    Attributes:
        successor: the new field's JSON name (lowerCamelCase, as ``MessageToJson`` writes it).
        values: old value → new value (an enum value name); an old value not listed is dropped.
    """

    successor: str
    values: Mapping[str, str] = field(default_factory=dict)


def parse_stored(raw: str | bytes, message: M,
                 replaced: Mapping[str, Replaced] | None = None) -> M:
    """``message`` filled from stored JSON that may come from an older version.

    Args:
        raw: the stored JSON object.
        message: the message to fill (returned).
        replaced: old JSON field name → its successor; the successor, when already set, wins.

    Raises:
        json_format.ParseError: the JSON is not an object or a known field has a bad value.
    """
    data = json.loads(raw)
    if not isinstance(data, dict):
        raise json_format.ParseError(f"stored {message.DESCRIPTOR.name} is not a JSON object")
    current = {f.json_name for f in message.DESCRIPTOR.fields}
    for old, new in (replaced or {}).items():
        if old not in data or old in current:
            continue
        value = data.pop(old)
        if new.successor not in data and isinstance(value, str) and value in new.values:
            data[new.successor] = new.values[value]
    return json_format.ParseDict(data, message, ignore_unknown_fields=True)
