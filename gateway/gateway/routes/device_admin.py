"""The device registry's API: register, rotate, revoke, attach; re-assign (also clinicians).

A device may be attached to a hub (a registered device of a hub kind of its scenario) that
delivers its readings in batches, when it is registered or later, keeping its token. Tokens are
returned once, when made, and stored only hashed. Every change is audited with the signed-in
user's name; a change applies to the next post, on every replica.
"""

from __future__ import annotations

import asyncio
from typing import Any

from fastapi import APIRouter, HTTPException, Request, status
from pydantic import BaseModel, Field
from sqlalchemy import Engine

from gateway import registry
from gateway.auth import CurrentPrincipal, Principal
from gateway.openapi import responses
from gateway.scenarios import DEVICE_INGEST
from gateway.users import Role

# Every route refuses roles other than admin (and a clinician for wearables) with 403.
router = APIRouter(prefix="/api/admin/devices", tags=["device registry"],
                   responses=responses(403))
NO_DEVICE = responses(404)

# Scenario → device kinds that may post somewhere in it (from the scenario declarations), and
# those of them that are hubs (post batches for the devices attached to them).
KINDS: dict[str, set[str]] = {}
HUB_KINDS: dict[str, set[str]] = {}
for (_scenario, _route), _spec in DEVICE_INGEST.items():
    KINDS.setdefault(_scenario, set()).update(_spec.device_kinds)
    if _spec.batch is not None:
        KINDS[_scenario].update(_spec.batch.hub_kinds)
        HUB_KINDS.setdefault(_scenario, set()).update(_spec.batch.hub_kinds)
# Kinds a clinician may re-assign: devices worn by or attached to a patient.
CLINICIAN_KINDS = {"wearable", "bedside_monitor"}
Id = Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9._:-]+$")


def _admin(principal: Principal) -> None:
    if principal.role != Role.ADMIN:
        raise HTTPException(status.HTTP_403_FORBIDDEN, "only an admin manages devices")


def _view(d: registry.DeviceInfo) -> dict[str, Any]:
    return {"device_id": d.device_id, "scenario": d.scenario, "kind": d.kind,
            "subject": d.subject, "hub": d.hub, "revoked": d.revoked}


class NewDevice(BaseModel):
    """A device to register; ``subject`` is what it reports about (itself for machines).

    ``hub``: the hub (a registered device of a hub kind of the same scenario) that may deliver
    its readings in batches; None: none.
    """

    device_id: str = Id
    scenario: str = Field(min_length=1, max_length=32)
    kind: str = Field(min_length=1, max_length=32)
    subject: str = Id
    hub: str | None = Field(default=None, min_length=1, max_length=64,
                            pattern=r"^[A-Za-z0-9._:-]+$")


async def _check_hub(engine: Engine, scenario: str, kind: str, hub_id: str | None) -> None:
    """422 unless ``hub_id`` is None or a registered hub of ``scenario`` and ``kind`` no hub."""
    if hub_id is None:
        return
    hub = await asyncio.to_thread(registry.get, engine, hub_id)
    hub_kinds = HUB_KINDS.get(scenario, set())
    if hub is None or hub.scenario != scenario or hub.kind not in hub_kinds:
        raise HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT,
                            f"hub {hub_id!r} is not a registered {scenario} hub "
                            f"(kinds {sorted(hub_kinds)})")
    if kind in hub_kinds:
        raise HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT, "a hub is attached to no hub")


class Attachment(BaseModel):
    """The hub that delivers the device's readings from now on; None: detach it."""

    hub: str | None = Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9._:-]+$")


class Assignment(BaseModel):
    """The new subject of a device, e.g. the patient a wearable is now worn by."""

    subject: str = Id


@router.get("")
async def list_devices(request: Request, principal: CurrentPrincipal) -> list[dict[str, Any]]:
    """Every registered device (never a token)."""
    _admin(principal)
    return [_view(d) for d in await asyncio.to_thread(registry.list_devices,
                                                      request.app.state.engine)]


@router.post("", status_code=status.HTTP_201_CREATED)
async def register(body: NewDevice, request: Request,
                   principal: CurrentPrincipal) -> dict[str, Any]:
    """Register a device (or re-register one); the reply holds its token, shown only now."""
    _admin(principal)
    if body.kind not in KINDS.get(body.scenario, set()):
        raise HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT,
                            f"no device kind {body.kind!r} in scenario {body.scenario!r}; "
                            f"known: {sorted(KINDS.get(body.scenario, set()))}")
    engine = request.app.state.engine
    await _check_hub(engine, body.scenario, body.kind, body.hub)
    token = await asyncio.to_thread(registry.register, engine, principal.username,
                                    body.device_id, body.scenario, body.kind, body.subject,
                                    body.hub)
    await request.app.state.device_tokens.changed()
    return {"device_id": body.device_id, "token": token}


@router.post("/{device_id}/token", responses=NO_DEVICE)
async def rotate(device_id: str, request: Request,
                 principal: CurrentPrincipal) -> dict[str, Any]:
    """A new token for the device; the old one is refused from the next post on."""
    _admin(principal)
    token = await asyncio.to_thread(registry.rotate, request.app.state.engine,
                                    principal.username, device_id)
    if token is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, f"no device {device_id}")
    await request.app.state.device_tokens.changed()
    return {"device_id": device_id, "token": token}


@router.delete("/{device_id}", status_code=status.HTTP_204_NO_CONTENT, responses=NO_DEVICE)
async def revoke(device_id: str, request: Request, principal: CurrentPrincipal) -> None:
    """Revoke the device's token (re-enable by rotating)."""
    _admin(principal)
    if not await asyncio.to_thread(registry.revoke, request.app.state.engine,
                                   principal.username, device_id):
        raise HTTPException(status.HTTP_404_NOT_FOUND, f"no device {device_id}")
    await request.app.state.device_tokens.changed()


@router.put("/{device_id}/subject", responses=NO_DEVICE)
async def assign(device_id: str, body: Assignment, request: Request,
                 principal: CurrentPrincipal) -> dict[str, Any]:
    """Re-assign what the device reports about; a clinician may move wearables and monitors."""
    engine = request.app.state.engine
    device = await asyncio.to_thread(registry.get, engine, device_id)
    if device is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, f"no device {device_id}")
    clinician = principal.role == Role.CLINICIAN and device.kind in CLINICIAN_KINDS
    if principal.role != Role.ADMIN and not clinician:
        raise HTTPException(status.HTTP_403_FORBIDDEN,
                            f"role {principal.role.value} may not re-assign a {device.kind}")
    updated = await asyncio.to_thread(registry.assign, engine, principal.username, device_id,
                                      body.subject)
    assert updated is not None
    await request.app.state.device_tokens.changed()
    return _view(updated)


@router.put("/{device_id}/hub", responses=NO_DEVICE)
async def attach(device_id: str, body: Attachment, request: Request,
                 principal: CurrentPrincipal) -> dict[str, Any]:
    """Attach the device to a hub (or detach it: ``{"hub": null}``); its token stays valid."""
    _admin(principal)
    engine = request.app.state.engine
    device = await asyncio.to_thread(registry.get, engine, device_id)
    if device is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, f"no device {device_id}")
    await _check_hub(engine, device.scenario, device.kind, body.hub)
    updated = await asyncio.to_thread(registry.attach, engine, principal.username, device_id,
                                      body.hub)
    if updated is None:  # deleted in between
        raise HTTPException(status.HTTP_404_NOT_FOUND, f"no device {device_id}")
    await request.app.state.device_tokens.changed()
    return _view(updated)


@router.get("/{device_id}/audit")
async def audit(device_id: str, request: Request,
                principal: CurrentPrincipal) -> list[dict[str, str]]:
    """Who registered, rotated, revoked or re-assigned the device, oldest first."""
    _admin(principal)
    return await asyncio.to_thread(registry.audit_trail, request.app.state.engine, device_id)
