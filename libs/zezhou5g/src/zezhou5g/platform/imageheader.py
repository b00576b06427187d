"""Image size checks from the file header alone, before any decoder allocates pixels.

A decoder allocates width × height × channels bytes as the header declares, so a few hundred KB
of PNG declaring 16,000 × 16,000 px costs ~770 MB of RAM once decoded. These helpers read only
the header (PNG ``IHDR``, JPEG ``SOFn``, WebP ``VP8 ``/``VP8L``/``VP8X``) so that callers can
refuse such an image in microseconds. Pure Python: no OpenCV, no numpy.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass

# Largest accepted image, in bytes and pixels per side (a 12-MP phone photo is 4032 × 3024).
MAX_IMAGE_BYTES = 8 * 1024 * 1024
MAX_IMAGE_SIDE = 4096

_PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
# JPEG start-of-frame markers carrying the frame size: SOF0-3, 5-7, 9-11, 13-15 (not DHT/JPG/DAC).
_JPEG_SOF = {0xC0, 0xC1, 0xC2, 0xC3, 0xC5, 0xC6, 0xC7, 0xC9, 0xCA, 0xCB, 0xCD, 0xCE, 0xCF}
# Markers without a length field.
_JPEG_STANDALONE = {0x01, *range(0xD0, 0xD8)}


class ImageRejected(ValueError):
    """An image refused before decoding; ``reason`` is a short code for metrics and clients.

    Reasons: ``too_large_bytes``, ``too_many_pixels``, ``unknown_format``, ``bad_header``.
    """

    def __init__(self, reason: str, detail: str) -> None:
        super().__init__(detail)
        self.reason = reason


@dataclass(frozen=True, slots=True)
class ImageHeader:
    """What the header declares: format (``png``/``jpeg``/``webp``) and size in pixels."""

    format: str
    width: int
    height: int


def _png(data: bytes) -> ImageHeader:
    # The signature is followed by the IHDR chunk: length (4), "IHDR", width (4), height (4).
    if len(data) < 24 or data[12:16] != b"IHDR":
        raise ImageRejected("bad_header", "PNG without an IHDR chunk")
    width, height = struct.unpack(">II", data[16:24])
    return ImageHeader("png", width, height)


def _jpeg(data: bytes) -> ImageHeader:
    i = 2
    n = len(data)
    while i + 4 <= n:
        if data[i] != 0xFF:
            raise ImageRejected("bad_header", f"JPEG marker expected at byte {i}")
        marker = data[i + 1]
        if marker == 0xFF:  # fill byte before a marker
            i += 1
            continue
        if marker in _JPEG_STANDALONE:
            i += 2
            continue
        if marker in (0xD9, 0xDA):  # end of image / start of scan before any frame header
            break
        (length,) = struct.unpack(">H", data[i + 2:i + 4])
        if length < 2:
            raise ImageRejected("bad_header", "JPEG segment with a length below 2")
        if marker in _JPEG_SOF:
            if i + 9 > n:
                break
            height, width = struct.unpack(">HH", data[i + 5:i + 9])
            return ImageHeader("jpeg", width, height)
        i += 2 + length
    raise ImageRejected("bad_header", "JPEG without a frame header (SOFn) before the scan")


def _webp(data: bytes) -> ImageHeader:
    chunk = data[12:16]
    if chunk == b"VP8 " and len(data) >= 30:
        # Key frame: 3-byte frame tag, start code 9d 01 2a, then 14-bit width and height.
        if data[23:26] != b"\x9d\x01\x2a":
            raise ImageRejected("bad_header", "WebP VP8 without a key-frame start code")
        w, h = struct.unpack("<HH", data[26:30])
        return ImageHeader("webp", w & 0x3FFF, h & 0x3FFF)
    if chunk == b"VP8L" and len(data) >= 25:
        if data[20] != 0x2F:
            raise ImageRejected("bad_header", "WebP VP8L without its signature byte")
        bits = int.from_bytes(data[21:25], "little")
        return ImageHeader("webp", (bits & 0x3FFF) + 1, ((bits >> 14) & 0x3FFF) + 1)
    if chunk == b"VP8X" and len(data) >= 30:
        w = int.from_bytes(data[24:27], "little") + 1
        h = int.from_bytes(data[27:30], "little") + 1
        return ImageHeader("webp", w, h)
    raise ImageRejected("bad_header", "WebP without a VP8/VP8L/VP8X header")


def read_header(data: bytes) -> ImageHeader:
    """The format and declared size of PNG, JPEG or WebP ``data`` (only the header is read).

    Raises:
        ImageRejected: not one of these formats, or a header that cannot be read.
    """
    if data.startswith(_PNG_SIGNATURE):
        return _png(data)
    if data.startswith(b"\xff\xd8"):
        return _jpeg(data)
    if len(data) >= 16 and data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return _webp(data)
    raise ImageRejected("unknown_format", "not a JPEG, PNG or WebP image")


def check_image_bytes(data: bytes, max_bytes: int = MAX_IMAGE_BYTES,
                      max_side: int = MAX_IMAGE_SIDE) -> ImageHeader:
    """Refuse ``data`` when it is over ``max_bytes`` or declares a side over ``max_side`` px.

    Returns the header when the image may be decoded.

    Raises:
        ImageRejected: with ``reason`` ``too_large_bytes``, ``too_many_pixels``,
            ``unknown_format`` or ``bad_header``.
    """
    if len(data) > max_bytes:
        raise ImageRejected("too_large_bytes",
                            f"image is {len(data)} bytes; the limit is {max_bytes}")
    header = read_header(data)
    if header.width == 0 or header.height == 0:
        raise ImageRejected("bad_header", "image declares a zero width or height")
    if header.width > max_side or header.height > max_side:
        raise ImageRejected(
            "too_many_pixels",
            f"image declares {header.width}×{header.height} px; the limit is "
            f"{max_side}×{max_side}")
    return header
