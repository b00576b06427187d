"""The device registry: who each device is, what it may report about, its hashed token.

A device has a scenario, a kind (``wearable``, ``soil_probe``, ``gate_camera`` …) and a
subject: the patient a wearable is assigned to, the field of a probe, the area of an
environment sensor, the station of a gate camera; machines and ambulances report about
themselves. A device may be attached to a hub (a ward's bedside-monitor central station, itself
a registered device) that delivers its readings in batches. Tokens are random (≥128 bits) and
stored only as SHA-256, so a database leak gives no usable credential; a fast hash suffices
because the input has no low-entropy guesses. Posts find their device through
:mod:`gateway.device_tokens` (kept in process per registry generation): every change here is
followed by a generation bump, so a rotation or revocation applies from the next post on, on
every replica, without a restart.
"""

from __future__ import annotations

import hashlib
import json
import secrets
from collections.abc import Collection
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import Boolean, DateTime, Engine, Integer, String, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from gateway.users import Base

DEFAULT_FILE = Path(__file__).resolve().parent / "devices.json"


class Device(Base):
    """A registered device."""

    __tablename__ = "devices"

    device_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    scenario: Mapped[str] = mapped_column(String(32))
    kind: Mapped[str] = mapped_column(String(32))
    subject: Mapped[str] = mapped_column(String(64))
    token_sha256: Mapped[str | None] = mapped_column(String(64), unique=True, nullable=True)
    revoked: Mapped[bool] = mapped_column(Boolean, default=False)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    # The hub (a device id) that may deliver this device's readings in batches; None: none.
    hub_id: Mapped[str | None] = mapped_column(String(64), nullable=True, default=None)


class DeviceAudit(Base):
    """Who changed which device, when, how."""

    __tablename__ = "device_audit"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    actor: Mapped[str] = mapped_column(String(64))
    device_id: Mapped[str] = mapped_column(String(64), index=True)
    action: Mapped[str] = mapped_column(String(32))
    detail: Mapped[str] = mapped_column(String(256), default="")


@dataclass(frozen=True, slots=True)
class DeviceInfo:
    """A registered device as ingestion sees it."""

    device_id: str
    scenario: str
    kind: str
    subject: str
    revoked: bool
    # The hub it is attached to (a device id), or None.
    hub: str | None = None


def token_hash(token: str) -> str:
    """Hex SHA-256 of a device token."""
    return hashlib.sha256(token.encode()).hexdigest()


def new_token() -> str:
    """A fresh device token: 32 random bytes, URL-safe base64 (43 characters)."""
    return secrets.token_urlsafe(32)


def _info(d: Device) -> DeviceInfo:
    return DeviceInfo(d.device_id, d.scenario, d.kind, d.subject, d.revoked, d.hub_id)


def by_token(engine: Engine, token: str) -> DeviceInfo | None:
    """The device holding ``token`` (revoked ones included, so the refusal can say so)."""
    with Session(engine) as session:
        d = session.scalars(select(Device).where(Device.token_sha256 == token_hash(token))
                            ).first()
        return _info(d) if d else None


def list_devices(engine: Engine) -> list[DeviceInfo]:
    """Every registered device, by id."""
    with Session(engine) as session:
        return [_info(d) for d in session.scalars(select(Device).order_by(Device.device_id))]


def get(engine: Engine, device_id: str) -> DeviceInfo | None:
    """One device, or None."""
    with Session(engine) as session:
        d = session.get(Device, device_id)
        return _info(d) if d else None


def many(engine: Engine, device_ids: Collection[str]) -> dict[str, DeviceInfo]:
    """The registered devices among ``device_ids``, by id, read in one query."""
    if not device_ids:
        return {}
    with Session(engine) as session:
        rows = session.scalars(select(Device).where(Device.device_id.in_(set(device_ids))))
        return {d.device_id: _info(d) for d in rows}


def _binding(scenario: str, kind: str, subject: str, hub: str | None) -> str:
    """How the audit trail words a device's binding."""
    return f"{scenario}/{kind} → {subject}" + (f" via hub {hub}" if hub else "")


def _audit(session: Session, actor: str, device_id: str, action: str, detail: str) -> None:
    session.add(DeviceAudit(at=datetime.now(UTC), actor=actor, device_id=device_id,
                            action=action, detail=detail[:256]))


def register(engine: Engine, actor: str, device_id: str, scenario: str, kind: str,
             subject: str, hub: str | None = None) -> str:
    """Register (or re-register) a device with a new token; returns the token, shown once.

    ``hub``: the hub that may deliver its readings in batches (re-registering without one
    detaches it).
    """
    token = new_token()
    with Session(engine) as session:
        d = session.get(Device, device_id) or Device(device_id=device_id)
        d.scenario, d.kind, d.subject, d.hub_id = scenario, kind, subject, hub
        d.token_sha256, d.revoked, d.updated_at = token_hash(token), False, datetime.now(UTC)
        session.add(d)
        _audit(session, actor, device_id, "register", _binding(scenario, kind, subject, hub))
        session.commit()
    return token


def rotate(engine: Engine, actor: str, device_id: str) -> str | None:
    """A new token for the device (the old one stops working at once); None if unknown."""
    token = new_token()
    with Session(engine) as session:
        d = session.get(Device, device_id)
        if d is None:
            return None
        d.token_sha256, d.revoked, d.updated_at = token_hash(token), False, datetime.now(UTC)
        _audit(session, actor, device_id, "rotate", "")
        session.commit()
    return token


def revoke(engine: Engine, actor: str, device_id: str) -> bool:
    """Stop accepting the device's token; False if unknown."""
    with Session(engine) as session:
        d = session.get(Device, device_id)
        if d is None:
            return False
        d.revoked, d.updated_at = True, datetime.now(UTC)
        _audit(session, actor, device_id, "revoke", "")
        session.commit()
    return True


def _update(engine: Engine, actor: str, device_id: str, action: str, column: str,
            value: str | None) -> DeviceInfo | None:
    """Set one column of the device, audited as ``old → new``; None if unknown."""
    with Session(engine) as session:
        d = session.get(Device, device_id)
        if d is None:
            return None
        _audit(session, actor, device_id, action, f"{getattr(d, column) or '-'} → {value or '-'}")
        setattr(d, column, value)
        d.updated_at = datetime.now(UTC)
        session.commit()
        return _info(d)


def assign(engine: Engine, actor: str, device_id: str, subject: str) -> DeviceInfo | None:
    """Re-assign the device's subject (a wearable to another patient), audited."""
    return _update(engine, actor, device_id, "assign", "subject", subject)


def attach(engine: Engine, actor: str, device_id: str, hub: str | None) -> DeviceInfo | None:
    """Attach the device to ``hub`` (None: detach), token unchanged, audited; None if unknown."""
    return _update(engine, actor, device_id, "attach", "hub_id", hub)


def audit_trail(engine: Engine, device_id: str) -> list[dict[str, str]]:
    """The device's audit rows, oldest first."""
    with Session(engine) as session:
        rows = session.scalars(select(DeviceAudit).where(DeviceAudit.device_id == device_id)
                               .order_by(DeviceAudit.id))
        return [{"at": r.at.isoformat(), "actor": r.actor, "action": r.action,
                 "detail": r.detail} for r in rows]


def seed(engine: Engine, tokens: dict[str, str], registry_file: Path) -> None:
    """Register each device of ``tokens`` (token → device id) that is not registered yet.

    Its scenario, kind, subject and hub (``"hub"``, optional) come from ``registry_file``. The
    devices the file attaches to a hub of ``tokens`` are registered too, without a token
    unless ``tokens`` has one: their readings reach the gateway through the hub. A registered
    device keeps its binding and its current token (an admin may have rotated it since the
    variable was written); one registered without a token gets the token ``tokens`` gives it.

    Raises:
        ValueError: a device with a token is missing from the file.
    """
    declared = json.loads(registry_file.read_text())["devices"]
    missing = sorted(d for d in tokens.values() if d not in declared)
    if missing:
        raise ValueError(f"Z5G_DEVICE_TOKENS names devices not in {registry_file}: {missing}")
    wanted: dict[str, str | None] = {d: t for t, d in tokens.items()}
    wanted |= {d: None for d, spec in declared.items()
               if spec.get("hub") in wanted and d not in wanted}
    with Session(engine) as session:
        known = {d.device_id: d for d in session.scalars(
            select(Device).where(Device.device_id.in_(set(wanted))))}
        for device_id, token in wanted.items():
            if device_id in known:
                d = known[device_id]
                if token is not None and d.token_sha256 is None:
                    d.token_sha256, d.updated_at = token_hash(token), datetime.now(UTC)
                    _audit(session, "seed", device_id, "rotate", "first token")
                continue
            spec = declared[device_id]
            hub = spec.get("hub")
            session.add(Device(device_id=device_id, scenario=spec["scenario"],
                               kind=spec["kind"], subject=spec["subject"], hub_id=hub,
                               token_sha256=token_hash(token) if token else None,
                               revoked=False, updated_at=datetime.now(UTC)))
            _audit(session, "seed", device_id, "register",
                   _binding(spec["scenario"], spec["kind"], spec["subject"], hub))
        session.commit()
