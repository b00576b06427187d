"""In-memory face gallery of one gate node: a float32 matrix searched by dot product.

Rows are L2-normalised embeddings, so the dot product is the cosine similarity. Each row
carries its station and departure time (UTC epoch seconds); a search is restricted to the
gate's station and departure window. Thread-safe: the Kafka consumer adds and removes rows
while gRPC handlers search.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass

import numpy as np

from transport.domain.decision import Candidate


@dataclass(frozen=True)
class GalleryEntry:
    """Metadata of one enrolled face (the vector is kept in the matrix)."""

    enrolment_id: str
    ticket_id: str
    station_id: str
    departure_s: float


class Gallery:
    """Enrolled faces of a node, searchable within a station's departure window.

    Args:
        dim: embedding length (128: SFace, zezhou5g.vision.face_embed's default model).
        capacity: initial rows; the matrix doubles when full.
    """

    def __init__(self, dim: int = 128, capacity: int = 1024) -> None:
        self.dim = dim
        self._m = np.zeros((capacity, dim), np.float32)
        self._departure = np.zeros(capacity, np.float64)
        self._station = np.zeros(capacity, np.int32)
        self._stations: dict[str, int] = {}
        self._entries: list[GalleryEntry] = []
        self._row: dict[str, int] = {}
        self._lock = threading.RLock()

    def __len__(self) -> int:
        """Number of faces held."""
        return len(self._entries)

    def __contains__(self, enrolment_id: object) -> bool:
        """Whether ``enrolment_id`` is held."""
        return enrolment_id in self._row

    def ids(self) -> list[str]:
        """Enrolment ids held, sorted."""
        with self._lock:
            return sorted(self._row)

    def add(self, entry: GalleryEntry, vector: np.ndarray) -> None:
        """Add or replace ``entry`` with its (dim,) embedding (normalised here)."""
        v = np.asarray(vector, np.float32).reshape(-1)
        if v.shape[0] != self.dim:
            raise ValueError(f"embedding has {v.shape[0]} values, expected {self.dim}")
        v = v / max(float(np.linalg.norm(v)), 1e-12)
        with self._lock:
            if entry.enrolment_id in self._row:
                self.remove(entry.enrolment_id)
            n = len(self._entries)
            if n == self._m.shape[0]:
                self._grow()
            self._m[n] = v
            self._departure[n] = entry.departure_s
            self._station[n] = self._stations.setdefault(entry.station_id, len(self._stations))
            self._entries.append(entry)
            self._row[entry.enrolment_id] = n

    def add_many(self, entries: list[GalleryEntry], vectors: np.ndarray) -> None:
        """Add rows in bulk (bench, start-up load)."""
        for entry, v in zip(entries, vectors, strict=True):
            self.add(entry, v)

    def remove(self, enrolment_id: str) -> bool:
        """Drop a face (the row is overwritten by the last one and zeroed); False if absent."""
        with self._lock:
            i = self._row.pop(enrolment_id, None)
            if i is None:
                return False
            last = len(self._entries) - 1
            if i != last:
                moved = self._entries[last]
                self._m[i] = self._m[last]
                self._departure[i] = self._departure[last]
                self._station[i] = self._station[last]
                self._entries[i] = moved
                self._row[moved.enrolment_id] = i
            self._m[last] = 0.0  # no copy of the face survives in the matrix
            self._entries.pop()
            return True

    def vector(self, enrolment_id: str) -> np.ndarray | None:
        """A copy of the stored embedding, or None."""
        with self._lock:
            i = self._row.get(enrolment_id)
            return None if i is None else self._m[i].copy()

    def search(self, probe: np.ndarray, station_id: str, start_s: float, end_s: float,
               k: int = 2) -> tuple[list[Candidate], int]:
        """Top ``k`` matches among faces of ``station_id`` departing in [start_s, end_s].

        Returns:
            (candidates best first, number of faces searched).
        """
        p = np.asarray(probe, np.float32).reshape(-1)
        p = p / max(float(np.linalg.norm(p)), 1e-12)
        with self._lock:
            n = len(self._entries)
            code = self._stations.get(station_id)
            if n == 0 or code is None:
                return [], 0
            dep = self._departure[:n]
            rows = np.flatnonzero((self._station[:n] == code) & (dep >= start_s) & (dep <= end_s))
            if rows.size == 0:
                return [], 0
            scores = self._m[rows] @ p if rows.size < n // 2 else (self._m[:n] @ p)[rows]
            kk = min(k, rows.size)
            top = np.argpartition(-scores, kk - 1)[:kk]
            top = top[np.argsort(-scores[top])]
            out = [Candidate(self._entries[rows[j]].enrolment_id,
                             self._entries[rows[j]].ticket_id, float(scores[j])) for j in top]
            return out, int(rows.size)

    def _grow(self) -> None:
        cap = self._m.shape[0] * 2
        m = np.zeros((cap, self.dim), np.float32)
        m[: self._m.shape[0]] = self._m
        self._m[:] = 0.0
        self._m = m
        self._departure = np.resize(self._departure, cap)
        self._station = np.resize(self._station, cap)
