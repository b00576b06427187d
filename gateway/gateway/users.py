"""Console users, their roles and password hashes (Argon2id), in the gateway's SQL database."""

from __future__ import annotations

import enum

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import Engine, String, select
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column

_hasher = PasswordHasher()
# Verifying against this keeps the timing of "no such user" like that of "wrong password".
_DUMMY_HASH = _hasher.hash("no-such-user-timing-equaliser")


class Role(enum.StrEnum):
    """A user's role; which consoles it opens is each scenario's declaration (``scenarios/``)."""

    SCENIC_OPERATOR = "scenic_operator"
    CLINICIAN = "clinician"
    STATION_OPERATOR = "station_operator"
    FARMER = "farmer"
    AGRI_BUREAU = "agri_bureau"
    ADMIN = "admin"


class Base(DeclarativeBase):
    """Declarative base of the gateway's tables."""


class User(Base):
    """A person who signs in to a console."""

    __tablename__ = "users"

    username: Mapped[str] = mapped_column(String(64), primary_key=True)
    display_name: Mapped[str] = mapped_column(String(128))  # in Chinese
    display_name_en: Mapped[str] = mapped_column(String(128), default="")
    role: Mapped[str] = mapped_column(String(32))
    # The unit the account belongs to: a clinician's care team (whose patients they may see), a
    # scenic operator's area (whose alerts they may act on); empty for the other roles.
    care_team: Mapped[str | None] = mapped_column(String(64), nullable=True)
    password_hash: Mapped[str] = mapped_column(String(256))


def hash_password(password: str) -> str:
    """Argon2id hash with the library's recommended parameters."""
    return _hasher.hash(password)


def authenticate(engine: Engine, username: str, password: str) -> User | None:
    """The user when the password matches, else None (same work either way)."""
    with Session(engine) as session:
        user = session.get(User, username)
        try:
            _hasher.verify(user.password_hash if user else _DUMMY_HASH, password)
        except (VerificationError, InvalidHashError):
            return None
        if user is None:
            return None
        session.expunge(user)
        return user


DEMO_USERS = [  # username, display name in Chinese and in English, role, unit (team / area)
    ("admin", "平台管理员", "Platform admin", Role.ADMIN, None),
    ("jueshan-ops", "珏山景区运营", "Jueshan operator", Role.SCENIC_OPERATOR, "jueshan"),
    ("dr-wang", "王医生（一组）", "Dr Wang (care team A)", Role.CLINICIAN, "team-a"),
    ("dr-li", "李医生（二组）", "Dr Li (care team B)", Role.CLINICIAN, "team-b"),
    ("station-ops", "高铁站值班", "Station operator", Role.STATION_OPERATOR, None),
    ("farmer-zhao", "赵农户", "Farmer Zhao", Role.FARMER, None),
    ("farmer-li", "李农户", "Farmer Li", Role.FARMER, None),
    ("agri-bureau", "县农业农村局", "Agriculture bureau", Role.AGRI_BUREAU, None),
]


def demo_accounts() -> str:
    """The demo's accounts, a line each, for ``make demo``'s banner (scripts/demo.sh)."""
    return "\n".join(f"    {username:<13} {name} · {name_en}"
                     for username, name, name_en, _role, _unit in DEMO_USERS)


def seed_demo_users(engine: Engine, password: str) -> None:
    """Create the demo accounts that are missing (dev only), all with ``password``.

    Existing demo accounts get their unit and names back (a demo database made before scenic
    operators had an area would otherwise leave jueshan-ops unable to act on any alert).
    """
    with Session(engine) as session:
        existing = {u.username: u for u in session.scalars(select(User))}
        for username, name, name_en, role, team in DEMO_USERS:
            if username not in existing:
                session.add(User(username=username, display_name=name, display_name_en=name_en,
                                 role=role.value, care_team=team,
                                 password_hash=hash_password(password)))
                continue
            user = existing[username]
            user.care_team, user.display_name, user.display_name_en = team, name, name_en
        session.commit()
