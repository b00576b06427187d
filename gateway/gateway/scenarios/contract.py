"""The shapes in which a scenario tells the gateway about itself, declared once per scenario.

A :class:`Scenario` says who may use its console, which status streams it has and whose events
a scoped user sees on them, which devices post to it and what the public overview shows of it.
The generic routes (streams, devices, the public overview, who may open which console) iterate
over the declarations and know no scenario by name.

Topics, their payload types and who may see them are declared once, in proto/, and come from
the generated registry (:mod:`zezhou5g.contracts`); these shapes add only what is the gateway's.
What a user may see or do is the services' decision, made on the principal every RPC carries.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from fastapi import Request
from google.protobuf.message import Message
from zezhou5g import contracts
from zezhou5g.contracts import Topic

from gateway.grpc_clients import principal_scopes
from gateway.users import Role

if TYPE_CHECKING:
    from gateway.auth import Principal

# The scope values a principal may see (asked of the service, or read from the principal).
ScopeValues = Callable[["Request", "Principal"], Awaitable[frozenset[str]]]
# Runs before a console stream opens; it refuses the stream by raising (an HTTP error).
StreamHook = Callable[["Request", "Principal"], Awaitable[None]]
# The scenario's part of the public overview (no personal data), JSON-ready.
Summary = Callable[["Request"], Awaitable[Any]]


@dataclass(frozen=True)
class StatusStream:
    """A Kafka topic of status events streamed to browsers."""

    scenario: str
    message: type[Message]
    # Public streams carry no personal data and are open without sign-in.
    public: bool
    # Field naming whose an event is (a care team, a farm field): a user whose view is scoped
    # (a clinician, a farmer) gets only events whose value is theirs. None: unscoped.
    scope_field: str | None = None

    @classmethod
    def of(cls, topic: Topic) -> StatusStream:
        """The stream of a declared topic, as its proto declaration says."""
        return cls(topic.scenario, topic.message, topic.public, topic.scope_field)


def status_streams(scenario: str) -> dict[str, StatusStream]:
    """Every topic of ``scenario`` declared visible on live streams, by topic name."""
    return {t.name: StatusStream.of(t) for t in contracts.streamed(scenario)}


@dataclass(frozen=True)
class BatchIngest:
    """How a hub delivers many messages of a device route at once (``POST …/<kind>:batch``).

    A hub is a registered device of one of ``hub_kinds`` (a ward's bedside-monitor central
    station); its post names it in ``hub_field`` and carries 1 to ``max_items`` messages of the
    route's type in ``items_field``. Each message is checked as a single post of its own device
    would be, and that device must be registered as attached to this hub. An accepted post is
    one record on ``contract`` (the batch topic), keyed as that topic declares (the hub).
    """

    contract: Topic
    hub_field: str
    items_field: str
    hub_kinds: tuple[str, ...]
    max_items: int

    @property
    def topic(self) -> str:
        """The topic name batches are published to."""
        return self.contract.name


@dataclass(frozen=True)
class DeviceIngest:
    """Where a kind of device of a scenario posts, and which field names the device.

    Only registered devices of ``device_kinds`` may post here, and a message's
    ``subject_field`` must be the device's registered subject (its patient, field, area or
    station); with ``subject_field`` None the device reports about itself (``device_field``).
    The record key is the one the topic declares (``contract.key``), not the device.
    ``batch``: how hubs deliver many such messages in one post; None: no batch route.
    """

    contract: Topic
    device_field: str
    device_kinds: tuple[str, ...] = ()
    subject_field: str | None = None
    batch: BatchIngest | None = None

    @property
    def topic(self) -> str:
        """The topic name posts are published to."""
        return self.contract.name

    @property
    def message(self) -> type[Message]:
        """The payload type a post must parse as."""
        return self.contract.message


@dataclass(frozen=True)
class StreamScope:
    """Whose events a scoped user sees on the scenario's console stream.

    A principal of one of ``roles`` gets, on each topic that declares a ``scope_field``, only
    the events whose value is in ``values(request, principal)`` (none at all when that is
    empty); every other role allowed on the console gets every event.
    """

    roles: frozenset[Role]
    values: ScopeValues


def claim_scope(claim: str) -> ScopeValues:
    """Scope values read from the principal's signed ``claim`` (``team``: a care team)."""
    async def values(_: Request, principal: Principal) -> frozenset[str]:
        return frozenset(principal_scopes(principal).get(claim, []))

    return values


@dataclass(frozen=True)
class Scenario:
    """One scenario as the gateway knows it: the only place its name meets its parts.

    Attributes:
        name: ``tourism``, ``medical``, ``agri`` or ``transport`` (URL segment, topic prefix).
        console_roles: roles that may use its console routes and console stream.
        devices: device ingestion by route kind (``POST /api/devices/<name>/<kind>``, and
            ``…/<kind>:batch`` for a hub where the kind declares a ``batch``).
        stream_scope: who sees only their own events on the console stream; None: nobody.
        on_stream_open: called before a console stream opens (medical audits it there).
        public_summary: what the public overview shows of it; None: nothing.
        streams: its topics visible on live streams, by name (from the proto declarations).
    """

    name: str
    console_roles: frozenset[Role]
    devices: Mapping[str, DeviceIngest]
    stream_scope: StreamScope | None = None
    on_stream_open: StreamHook | None = None
    public_summary: Summary | None = None
    streams: Mapping[str, StatusStream] = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "streams", status_streams(self.name))

    async def stream_scope_of(self, request: Request,
                              principal: Principal) -> frozenset[str] | None:
        """The scope values of ``principal`` on this scenario's stream; None: unscoped."""
        rule = self.stream_scope
        if rule is None or principal.role not in rule.roles:
            return None
        return await rule.values(request, principal)
