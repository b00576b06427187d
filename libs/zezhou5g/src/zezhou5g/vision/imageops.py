"""Image and box helpers shared by the detectors (numpy + OpenCV only)."""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np


def check_image(image: np.ndarray) -> np.ndarray:
    """Validate an HxWx3 uint8 BGR image (HxW grey or HxWx4 BGRA are converted).

    Raises:
        ValueError: not an image array.
    """
    if not isinstance(image, np.ndarray) or image.ndim not in (2, 3) or image.size == 0:
        raise ValueError("expected a non-empty HxWx3 uint8 BGR image")
    if image.ndim == 2:
        image = cv2.cvtColor(image, cv2.COLOR_GRAY2BGR)
    elif image.shape[2] == 4:
        image = cv2.cvtColor(image, cv2.COLOR_BGRA2BGR)
    elif image.shape[2] != 3:
        raise ValueError(f"expected 3 channels, got shape {image.shape}")
    if image.dtype != np.uint8:
        image = np.clip(image, 0, 255).astype(np.uint8)
    return image


@dataclass(frozen=True)
class Letterbox:
    """Mapping between an image and its square, aspect-preserving model input.

    ``model_xy = image_xy * scale + (pad_x, pad_y)``.
    """

    scale: float
    pad_x: float
    pad_y: float

    def to_image(self, xy: np.ndarray) -> np.ndarray:
        """Map (..., 2) model-input pixel coordinates back to image pixels."""
        out = np.asarray(xy, dtype=np.float32).copy()
        out[..., 0] = (out[..., 0] - self.pad_x) / self.scale
        out[..., 1] = (out[..., 1] - self.pad_y) / self.scale
        return out


def letterbox_rgb(image_bgr: np.ndarray, size: int, *, stretch: bool = False,
                  fill: int = 0) -> tuple[np.ndarray, Letterbox | tuple[float, float]]:
    """Resize a BGR image to a size x size RGB uint8 model input.

    With ``stretch=False`` (default) the aspect ratio is kept and the image is
    centred on a ``fill`` background; returns ``(rgb, Letterbox)``.  With
    ``stretch=True`` it is resized to the square; returns ``(rgb, (sx, sy))``
    where ``image_x = model_x / sx``.
    """
    h, w = image_bgr.shape[:2]
    rgb = cv2.cvtColor(image_bgr, cv2.COLOR_BGR2RGB)
    if stretch:
        interp = cv2.INTER_AREA if max(h, w) > size else cv2.INTER_LINEAR
        return cv2.resize(rgb, (size, size), interpolation=interp), (size / w, size / h)
    scale = size / max(h, w)
    nw, nh = max(1, round(w * scale)), max(1, round(h * scale))
    interp = cv2.INTER_AREA if scale < 1 else cv2.INTER_LINEAR
    resized = cv2.resize(rgb, (nw, nh), interpolation=interp)
    canvas = np.full((size, size, 3), fill, dtype=np.uint8)
    px, py = (size - nw) // 2, (size - nh) // 2
    canvas[py:py + nh, px:px + nw] = resized
    return canvas, Letterbox(scale=scale, pad_x=float(px), pad_y=float(py))


def box_area(boxes: np.ndarray) -> np.ndarray:
    """(N,) areas of (N, 4) xyxy boxes (0 for degenerate boxes)."""
    return np.clip(boxes[:, 2] - boxes[:, 0], 0, None) * np.clip(boxes[:, 3] - boxes[:, 1], 0, None)


def pairwise_overlap(a: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Return (IoU, intersection over the smaller box), both (len(a), len(b))."""
    x1 = np.maximum(a[:, None, 0], b[None, :, 0])
    y1 = np.maximum(a[:, None, 1], b[None, :, 1])
    x2 = np.minimum(a[:, None, 2], b[None, :, 2])
    y2 = np.minimum(a[:, None, 3], b[None, :, 3])
    inter = np.clip(x2 - x1, 0, None) * np.clip(y2 - y1, 0, None)
    area_a, area_b = box_area(a)[:, None], box_area(b)[None, :]
    iou = inter / np.maximum(area_a + area_b - inter, 1e-9)
    ios = inter / np.maximum(np.minimum(area_a, area_b), 1e-9)
    return iou, ios


def nms(boxes: np.ndarray, scores: np.ndarray, iou_threshold: float,
        containment_threshold: float | None = None, max_out: int | None = None) -> np.ndarray:
    """Greedy non-maximum suppression; returns kept indices, best score first.

    A box is dropped when its IoU with a kept box exceeds ``iou_threshold``
    or, if ``containment_threshold`` is set, when the intersection covers more
    than that fraction of the smaller box (merges a tile-cut partial person
    with the full detection from the neighbouring tile).
    """
    order = np.argsort(-scores, kind="stable")
    if order.size == 0:
        return order.astype(np.int64)
    iou, ios = pairwise_overlap(boxes[order], boxes[order])
    suppress = iou > iou_threshold
    if containment_threshold is not None:
        suppress |= ios > containment_threshold
    alive = np.ones(order.size, dtype=bool)
    keep: list[int] = []
    for i in range(order.size):
        if not alive[i]:
            continue
        keep.append(int(order[i]))
        if max_out is not None and len(keep) >= max_out:
            break
        alive &= ~suppress[i]
    return np.asarray(keep, dtype=np.int64)


def tile_windows(width: int, height: int, grid: tuple[int, int],
                 overlap: float) -> list[tuple[int, int, int, int]]:
    """Split an image into ``grid`` = (cols, rows) overlapping windows (x1, y1, x2, y2).

    Adjacent windows share ``overlap`` (a fraction of the window size) so a
    person cut by one border is whole in the neighbouring window.
    """
    cols, rows = grid
    out = []
    tw = width / (cols - (cols - 1) * overlap)
    th = height / (rows - (rows - 1) * overlap)
    for r in range(rows):
        for c in range(cols):
            x1 = round(c * tw * (1 - overlap))
            y1 = round(r * th * (1 - overlap))
            out.append((x1, y1, min(width, round(x1 + tw)), min(height, round(y1 + th))))
    return out
