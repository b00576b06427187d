"""The person detector the camera flow runs: ONNX Runtime through :mod:`zezhou5g.vision`."""

from __future__ import annotations

from typing import Protocol

import numpy as np


class Detector(Protocol):
    """What the camera flow needs from a person detector."""

    def boxes(self, images: list[np.ndarray]) -> list[np.ndarray]:
        """``(N, 4)`` xyxy pixel boxes per HxWx3 uint8 BGR image."""
        ...


class OnnxPersonDetector:
    """:class:`zezhou5g.vision.PersonDetector` (CUDA when present, else CPU)."""

    def __init__(self, backend: str = "centernet") -> None:
        from zezhou5g.vision import PersonDetector

        self.detector = PersonDetector(backend)  # type: ignore[arg-type]

    def boxes(self, images: list[np.ndarray]) -> list[np.ndarray]:
        """``(N, 4)`` xyxy pixel boxes per BGR image (see :class:`Detector`)."""
        return [d.boxes for d in self.detector.detect(images)]
