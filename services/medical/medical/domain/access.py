"""Who may read and change patient data: the care-team rule (pure).

A clinician works with the patients of their own care team; an administrator with all of them.
Nobody else reads patient data, and only administrators read the audit log.
"""

from __future__ import annotations

from dataclasses import dataclass

ADMIN = "admin"
CLINICIAN = "clinician"


@dataclass(frozen=True, slots=True)
class Caller:
    """The verified caller as the care-team rule needs it."""

    user: str
    care_team: str
    role: str


@dataclass(frozen=True, slots=True)
class Refusal:
    """Why a caller is refused: ``reason`` is the counted label, ``text`` what they are told."""

    reason: str
    text: str


def patient_data_refusal(caller: Caller) -> Refusal | None:
    """Why ``caller`` may not work with patient data at all; None when they may."""
    if caller.role not in (ADMIN, CLINICIAN):
        return Refusal("role", f"role {caller.role} may not read patient data")
    if caller.role == CLINICIAN and not caller.care_team:
        return Refusal("scope", "clinician without a care team")
    return None


def may_see(caller: Caller, care_team: str) -> bool:
    """Whether ``caller`` may see a patient (or alert) of ``care_team``."""
    return caller.role == ADMIN or care_team == caller.care_team


def audit_log_refusal(caller: Caller) -> Refusal | None:
    """Why ``caller`` may not read the audit log; None for administrators."""
    if caller.role != ADMIN:
        return Refusal("role", "only administrators read the audit log")
    return None
