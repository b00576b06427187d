"""Enrolment rules: consent, photo acceptance and retention (pure).

PIPL art. 28-29: face data is sensitive personal information; processing needs the person's
*separate* consent and the shortest retention the purpose allows. A face is enrolled for one
ticket, so it is purged a configurable time after that ticket's departure.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

# Consent text versions the service accepts (the pages show the matching text).
CONSENT_VERSIONS = frozenset({"face-2025-06"})


@dataclass(frozen=True)
class PhotoFace:
    """One face found in the enrolment photo, with its quality verdict.

    Attributes:
        width_px: face box width in pixels.
        ok: passed the quality checks.
        reasons: why not (blur, size, pose, confidence).
    """

    width_px: float
    ok: bool
    reasons: tuple[str, ...] = ()


def consent_problems(accepted: bool, text_version: str) -> list[str]:
    """Why a consent record is not valid (empty list when it is)."""
    problems = []
    if not accepted:
        problems.append("consent_missing: separate consent to face processing is required")
    if text_version not in CONSENT_VERSIONS:
        problems.append(f"consent_version_unknown: {text_version!r}")
    return problems


def photo_problems(faces: list[PhotoFace]) -> list[str]:
    """Why an enrolment photo is refused: exactly one good face is needed."""
    if not faces:
        return ["no_face: no face found in the photo"]
    if len(faces) > 1:
        # A second, much smaller face in the background is tolerated; two people are not.
        widths = sorted((f.width_px for f in faces), reverse=True)
        if widths[1] > 0.5 * widths[0]:
            return [f"several_faces: {len(faces)} faces in the photo, one is needed"]
    main = max(faces, key=lambda f: f.width_px)
    return [] if main.ok else [f"quality: {r}" for r in main.reasons]


def purge_after(departure: datetime, retention: timedelta) -> datetime:
    """When the face data of a ticket must be gone (UTC)."""
    return departure + retention


def in_window(departure: datetime, now: datetime, before_min: float, after_min: float) -> bool:
    """Whether a departure is within a gate's window around ``now``."""
    return now - timedelta(minutes=before_min) <= departure <= now + timedelta(minutes=after_min)
