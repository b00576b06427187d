"""Enrolment rules: consent, photo acceptance and retention (pure).

PIPL art. 28-29: face data is sensitive personal information; processing needs the person's
*separate* consent and the shortest retention the purpose allows. A face is enrolled for one
ticket, so it is purged a configurable time after that ticket's departure.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal, get_args

# Consent text versions the service accepts (the pages show the matching text).
CONSENT_VERSIONS = frozenset({"face-2025-06"})


# Why an enrolment is refused; the wire's EnrolRefusal codes are these names (transport.wire).
Refusal = Literal["consent_missing", "consent_version_unknown", "ownership_not_proven",
                  "already_enrolled", "ticket_expired", "no_face", "several_faces",
                  "face_too_small", "face_blurred", "head_turned", "face_uncertain"]
# The quality checks of an enrolment photo's face, each a refusal when it fails.
PhotoCheck = Literal["face_too_small", "face_blurred", "head_turned", "face_uncertain"]
REFUSALS: frozenset[str] = frozenset(get_args(Refusal))


@dataclass(frozen=True)
class PhotoFace:
    """One face found in the enrolment photo, with its quality verdict.

    Attributes:
        width_px: face box width in pixels.
        ok: passed the quality checks.
        failed: the checks it failed (size, blur, pose, confidence), in that order.
    """

    width_px: float
    ok: bool
    failed: tuple[PhotoCheck, ...] = ()


def consent_problems(accepted: bool, text_version: str) -> list[Refusal]:
    """Why a consent record is not valid (empty list when it is).

    Separate consent to face processing is required, given to a text version the service knows.
    """
    problems: list[Refusal] = []
    if not accepted:
        problems.append("consent_missing")
    if text_version not in CONSENT_VERSIONS:
        problems.append("consent_version_unknown")
    return problems


def photo_problems(faces: list[PhotoFace]) -> list[Refusal]:
    """Why an enrolment photo is refused: exactly one good face is needed.

    A face that fails quality checks is refused for each check it failed.
    """
    if not faces:
        return ["no_face"]
    if len(faces) > 1:
        # A second, much smaller face in the background is tolerated; two people are not.
        widths = sorted((f.width_px for f in faces), reverse=True)
        if widths[1] > 0.5 * widths[0]:
            return ["several_faces"]
    main = max(faces, key=lambda f: f.width_px)
    return [] if main.ok else list(main.failed) or ["face_uncertain"]


def purge_after(departure: datetime, retention: timedelta) -> datetime:
    """When the face data of a ticket must be gone (UTC)."""
    return departure + retention


def in_window(departure: datetime, now: datetime, before_min: float, after_min: float) -> bool:
    """Whether a departure is within a gate's window around ``now``."""
    return now - timedelta(minutes=before_min) <= departure <= now + timedelta(minutes=after_min)


# ---------------------------------------------------------------- proof of ticket ownership
#
# A face may be bound only to a ticket that ticketing issued, and only by the person who holds
# it: they know the ID number it was booked with AND receive a one-time code on the phone it
# was booked with. Either alone is guessable or stealable; together they are the usual
# two-factor bar of Chinese rail/airline self-service.

OTP_DIGITS = 6
OTP_TTL = timedelta(minutes=5)
# Wrong codes before a code is dead (10^6 / 5: a guess wins with probability 5e-6 per code).
OTP_MAX_ATTEMPTS = 5
# Code requests per ticket per window (SMS bombing and ID-number guessing both need many).
CODE_REQUESTS_MAX = 5
CODE_REQUEST_WINDOW = timedelta(minutes=10)
PURPOSES = frozenset({"enrol", "withdraw"})
# Crockford base32 without I, L, O, U: no look-alikes when read off a screen.
_CODE_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
WITHDRAWAL_CODE_CHARS = 12  # 60 bits: not guessable through a rate-limited endpoint


@dataclass(frozen=True)
class OtpState:
    """A stored one-time code (the code itself only as a keyed hash).

    Attributes:
        code_hash: HMAC of the code (hex).
        expires: UTC time after which it is refused.
        attempts: wrong codes tried against it so far.
        used: already spent (single use).
    """

    code_hash: str
    expires: datetime
    attempts: int
    used: bool


def new_otp() -> str:
    """A random 6-digit code from the OS CSPRNG, e.g. ``"042917"``."""
    return f"{secrets.randbelow(10 ** OTP_DIGITS):0{OTP_DIGITS}d}"


def new_withdrawal_code() -> str:
    """A random withdrawal code in groups of four, e.g. ``"K7QM-2XRD-9PTA"``."""
    raw = "".join(secrets.choice(_CODE_ALPHABET) for _ in range(WITHDRAWAL_CODE_CHARS))
    return "-".join(raw[i:i + 4] for i in range(0, WITHDRAWAL_CODE_CHARS, 4))


def normalise_code(code: str) -> str:
    """Codes as typed: case, spaces and dashes do not matter."""
    return re.sub(r"[\s-]", "", code).upper()


def otp_problem(otp: OtpState | None, now: datetime) -> str | None:
    """Why a stored code cannot be used now (None when it can); the typed code is not seen."""
    if otp is None:
        return "no_code"
    if otp.used:
        return "code_used"
    if otp.expires <= now:
        return "code_expired"
    if otp.attempts >= OTP_MAX_ATTEMPTS:
        return "code_locked"
    return None


def normalise_phone(phone: str) -> str:
    """Digits of a phone number (a leading + kept); ValueError unless 6-15 digits (E.164)."""
    s = re.sub(r"[\s()-]", "", phone)
    if not re.fullmatch(r"\+?\d{6,15}", s):
        raise ValueError("phone must be 6-15 digits")
    return s


def mask_phone(phone: str) -> str:
    """What staff may see of a number: first 3 and last 4 digits, e.g. ``138****0001``."""
    if len(phone) <= 7:
        return "*" * max(0, len(phone) - 2) + phone[-2:]
    return phone[:3] + "*" * (len(phone) - 7) + phone[-4:]


SMS_LANGS = ("zh-CN", "en")


def sms_text(purpose: str, code: str, lang: str = "zh-CN", ttl: timedelta = OTP_TTL) -> str:
    """The SMS body for a code, in the language the passenger asked in (``SMS_LANGS``).

    It names what the code is for, so a passenger who did not ask knows that someone tries to
    use their ticket.

    Raises:
        KeyError: an unknown purpose.
        ValueError: an unknown language.
    """
    minutes = round(ttl.total_seconds() / 60)
    if lang == "zh-CN":
        what = {"enrol": "人脸进站登记", "withdraw": "撤回人脸信息"}[purpose]
        return (f"【泽州5G+】{what}验证码 {code}，{minutes}分钟内有效。"
                "如非本人操作请忽略并联系车站。")
    if lang == "en":
        what = {"enrol": "face enrolment", "withdraw": "withdrawing your face data"}[purpose]
        return (f"[Zezhou 5G+] Code {code} for {what}, valid {minutes} min. Not you? Ignore it"
                " and tell station staff.")
    raise ValueError(f"SMS language must be one of {SMS_LANGS}")
