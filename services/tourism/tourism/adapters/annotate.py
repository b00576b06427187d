"""The console's camera view: a frame with person boxes, zone outlines and gate lines drawn."""

from __future__ import annotations

import cv2
import numpy as np

from tourism.areas import Gate, Zone

# BGR colours per crowding level, matching the console's legend.
LEVEL_BGR = {"comfortable": (94, 160, 46), "busy": (20, 170, 230), "crowded": (0, 120, 245),
             "over_capacity": (40, 40, 220)}


def annotate(image: np.ndarray, boxes: np.ndarray, zones: list[tuple[Zone, str, int]],
             gates: list[Gate], quality: int = 75) -> bytes:
    """JPEG of ``image`` (BGR) with ``boxes`` (N×4 xyxy px) and each (zone, level, count)."""
    out = image.copy()
    overlay = out.copy()
    for zone, lvl, _ in zones:
        pts = zone.image_polygon.round().astype(np.int32).reshape(-1, 1, 2)
        cv2.fillPoly(overlay, [pts], LEVEL_BGR.get(lvl, (128, 128, 128)))
    cv2.addWeighted(overlay, 0.18, out, 0.82, 0, dst=out)
    placed: list[tuple[int, int, int, int]] = []
    for zone, lvl, count in zones:
        pts = zone.image_polygon.round().astype(np.int32).reshape(-1, 1, 2)
        colour = LEVEL_BGR.get(lvl, (128, 128, 128))
        cv2.polylines(out, [pts], True, colour, 2)
        # Short label (count / capacity) on a filled box at the zone's centroid, moved down
        # past any label already drawn: labels never overlap, names are in the console legend.
        text = f"{count}/{zone.capacity}"
        (tw, th), base = cv2.getTextSize(text, cv2.FONT_HERSHEY_SIMPLEX, 0.6, 2)
        cx, cy = zone.image_polygon.mean(axis=0)
        w, hgt = tw + 10, th + base + 8
        x = int(min(max(cx - w / 2, 0), out.shape[1] - w))
        y = int(min(max(cy - hgt / 2, 0), out.shape[0] - hgt))
        while any(x < px + pw and px < x + w and y < py + ph and py < y + hgt
                  for px, py, pw, ph in placed) and y + 2 * hgt <= out.shape[0]:
            y += hgt + 2
        placed.append((x, y, w, hgt))
        cv2.rectangle(out, (x, y), (x + w, y + hgt), colour, -1)
        cv2.putText(out, text, (x + 5, y + th + 4), cv2.FONT_HERSHEY_SIMPLEX, 0.6,
                    (255, 255, 255), 2, cv2.LINE_AA)
    for gate in gates:
        (ax, ay), (bx, by) = gate.line
        cv2.arrowedLine(out, (int(ax), int(ay)), (int(bx), int(by)), (255, 200, 0), 2,
                        tipLength=0.02)
    for x1, y1, x2, y2 in np.asarray(boxes).round().astype(int).reshape(-1, 4):
        cv2.rectangle(out, (x1, y1), (x2, y2), (255, 255, 255), 2)
        cv2.circle(out, ((x1 + x2) // 2, y2), 3, (0, 0, 255), -1)
    ok, jpeg = cv2.imencode(".jpg", out, [cv2.IMWRITE_JPEG_QUALITY, quality])
    if not ok:
        raise RuntimeError("JPEG encoding failed")
    return jpeg.tobytes()
