"""Face templates encrypted at rest (AES-256-GCM) and keyed hashes of ID numbers.

Both keys are derived with HKDF-SHA256 from one configured secret
(``Z5G_TRANSPORT_FACE_KEY``), with different ``info`` labels. The enrolment id is bound into
every ciphertext as associated data, so a template copied onto another row fails to decrypt.
Layout of a sealed value: ``version (1 byte) | nonce (12 bytes) | ciphertext+tag``.
"""

from __future__ import annotations

import hashlib
import hmac
import os

import numpy as np
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

VERSION = b"\x01"


def _derive(secret: bytes, info: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=info).derive(secret)


class FaceCipher:
    """Seals and opens face templates and photos; hashes ID numbers.

    Args:
        secret: the configured key material (at least 32 characters).
    """

    def __init__(self, secret: str) -> None:
        raw = secret.encode()
        self._aead = AESGCM(_derive(raw, b"zezhou5g/transport/face-template/v1"))
        self._mac = _derive(raw, b"zezhou5g/transport/id-number/v1")

    def seal(self, data: bytes, enrolment_id: str) -> bytes:
        """Encrypt ``data`` bound to ``enrolment_id``."""
        nonce = os.urandom(12)
        return VERSION + nonce + self._aead.encrypt(nonce, data, enrolment_id.encode())

    def open(self, sealed: bytes, enrolment_id: str) -> bytes:
        """Decrypt; raises ``cryptography.exceptions.InvalidTag`` when tampered or misplaced."""
        if sealed[:1] != VERSION:
            raise ValueError("unknown template encryption version")
        return self._aead.decrypt(sealed[1:13], sealed[13:], enrolment_id.encode())

    def seal_vector(self, vector: np.ndarray, enrolment_id: str) -> bytes:
        """Encrypt a float32 embedding (D,)."""
        return self.seal(np.asarray(vector, "<f4").tobytes(), enrolment_id)

    def open_vector(self, sealed: bytes, enrolment_id: str) -> np.ndarray:
        """Decrypt an embedding sealed with :meth:`seal_vector`."""
        return np.frombuffer(self.open(sealed, enrolment_id), "<f4").copy()

    def id_hash(self, id_number: str) -> str:
        """Keyed hash (HMAC-SHA256, hex) of a normalised ID number; the number is not stored."""
        norm = id_number.strip().upper().replace(" ", "")
        return hmac.new(self._mac, norm.encode(), hashlib.sha256).hexdigest()
