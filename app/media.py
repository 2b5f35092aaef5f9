"""Uploaded images: checked and re-encoded with Pillow, stored under instance/uploads/images
by generated names, served by name only."""

from __future__ import annotations

import io
import re
import secrets
import struct
import threading
import zlib
from pathlib import Path
from typing import BinaryIO

from flask import Blueprint, abort, current_app, send_from_directory
from PIL import Image, ImageOps, UnidentifiedImageError

from app.offload import offload
from app.private_files import private_dir, write_private

bp = Blueprint("media", __name__)

IMAGE_NAME = re.compile(r"^[0-9a-f]{31}[0-9a-ft]\.(?:jpg|png|webp|gif)$")


def image_dir() -> Path:
    path = Path(current_app.instance_path) / "uploads" / "images"
    return private_dir(path)  # 0700: drafts' images are not for other local users


def save_image_bytes(data: bytes, extension: str) -> str:
    """Store already-verified image bytes under a generated name; return the name."""
    return _write_new(image_dir(), extension, data)


# Pillow format -> (stored extension, save format, save options)
FORMATS = {
    "JPEG": ("jpg", "JPEG", {"quality": 85, "optimize": True}),
    "PNG": ("png", "PNG", {"optimize": True}),
    "WEBP": ("webp", "WEBP", {"quality": 85}),
    "GIF": ("gif", "GIF", {}),
}
# The pixel limit (IMAGE_MAX_PIXELS, default 25 million: a 24-megapixel camera's 6000x4000)
# is what bounds memory: Pillow holds 4 bytes per pixel for RGB(A), so a PNG or WebP at the
# limit needs ~100 MB while it is decoded (the old 40-million limit let a 6324x6324 PNG take
# 651 MB with the copies made around it). JPEGs decode at a reduced scale (draft) and are
# far cheaper. Larger pictures are refused from their header, before any decoding; editors
# are asked to scale them down, which the site would do anyway (MAX_SIZE).
MAX_PIXELS = 25_000_000
MAX_SIZE = (1600, 1600)  # stored images are scaled down to fit
THUMB_SIZE = (400, 300)
TOO_LARGE = (
    "Ảnh có kích thước quá lớn ({width}×{height} điểm ảnh; tối đa {limit} triệu điểm ảnh). "
    "Vui lòng thu nhỏ ảnh rồi tải lên lại."
)
NOT_AN_IMAGE = "Tệp không phải là ảnh hợp lệ (JPEG, PNG, WebP, GIF)."

# One decode at a time per process: with a few editors uploading at once, memory stays
# bounded by one image at the limit instead of one per thread (a gevent semaphore in a
# gevent worker, so waiting here is cooperative).
_decoding = threading.BoundedSemaphore(1)


class ImageRejected(ValueError):
    """Not an allowed image; the message is for the editor."""


def thumbnail_name(name: str) -> str:
    stem, _, ext = name.partition(".")
    return f"{stem[:-1]}t.{ext}"


def save_uploaded_image(stream: BinaryIO, max_bytes: int | None = None) -> str:
    """Verify an upload is a JPEG/PNG/WebP/GIF by its content, strip its metadata by
    re-encoding, scale it down, write it and a thumbnail; return the stored name.

    The decoding runs in the thread pool for CPU-heavy work (never on the event loop)."""
    max_bytes = max_bytes or current_app.config["IMAGE_MAX_BYTES"]
    max_pixels = int(current_app.config.get("IMAGE_MAX_PIXELS") or MAX_PIXELS)
    data = stream.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise ImageRejected(f"Ảnh vượt quá dung lượng cho phép ({max_bytes // (1024 * 1024)} MB).")
    # Cheap, on the loop: a picture too large is refused before any thread or memory is used.
    check_dimensions(header_dimensions(data), max_pixels)
    folder = image_dir()
    with _decoding:
        return offload(_process_and_store, data, max_pixels, folder, heavy=True)


def check_dimensions(size: tuple[int, int] | None, max_pixels: int) -> None:
    if size is None:
        return
    width, height = size
    if width <= 0 or height <= 0:
        raise ImageRejected(NOT_AN_IMAGE)
    if width * height > max_pixels:
        limit = f"{max_pixels / 1_000_000:g}".replace(".", ",")
        raise ImageRejected(TOO_LARGE.format(width=width, height=height, limit=limit))


def header_dimensions(data: bytes) -> tuple[int, int] | None:
    """(width, height) read from a PNG, GIF, JPEG or WebP header without decoding, or None
    when the bytes are none of those (Pillow then decides, and refuses)."""
    # Each format's own consistency check comes first, so that bytes merely starting like an
    # image ("GIF89a<script>…") are left to Pillow and refused as not an image.
    try:
        if data.startswith(b"\x89PNG\r\n\x1a\n") and data[12:16] == b"IHDR":
            (crc,) = struct.unpack(">I", data[29:33])
            if zlib.crc32(data[12:29]) != crc:
                return None
            return struct.unpack(">II", data[16:24])
        if data[:6] in (b"GIF87a", b"GIF89a"):
            return _gif_dimensions(data)
        if data.startswith(b"\xff\xd8"):
            return _jpeg_dimensions(data)
        if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
            return _webp_dimensions(data)
    except struct.error:
        return None
    return None


def _gif_dimensions(data: bytes) -> tuple[int, int] | None:
    flags = data[10]
    first_block = 13 + (3 << ((flags & 0x07) + 1) if flags & 0x80 else 0)
    # After the screen descriptor and its color table: an extension, an image or the end.
    if len(data) <= first_block or data[first_block] not in (0x21, 0x2C, 0x3B):
        return None
    return struct.unpack("<HH", data[6:10])


# JPEG start-of-frame markers (baseline, progressive, lossless, arithmetic): not DHT (C4),
# JPG (C8) or DAC (CC), which share the range.
_SOF = {0xC0, 0xC1, 0xC2, 0xC3, 0xC5, 0xC6, 0xC7, 0xC9, 0xCA, 0xCB, 0xCD, 0xCE, 0xCF}


def _jpeg_dimensions(data: bytes) -> tuple[int, int] | None:
    largest = None
    pos = 2
    while pos + 4 <= len(data):
        if data[pos] != 0xFF:
            return largest
        marker = data[pos + 1]
        if marker == 0xFF:  # fill byte
            pos += 1
            continue
        if marker in (0xD8, 0x01) or 0xD0 <= marker <= 0xD7:  # no length field
            pos += 2
            continue
        if marker in (0xD9, 0xDA):  # end of image, start of scan: the headers are over
            return largest
        (length,) = struct.unpack(">H", data[pos + 2 : pos + 4])
        if marker in _SOF:
            height, width = struct.unpack(">HH", data[pos + 5 : pos + 9])
            # A file may carry several frames (e.g. a thumbnail); the largest counts.
            if largest is None or width * height > largest[0] * largest[1]:
                largest = (width, height)
        pos += 2 + length
    return largest


def _webp_dimensions(data: bytes) -> tuple[int, int] | None:
    chunk = data[12:16]
    if chunk == b"VP8X":
        width = int.from_bytes(data[24:27], "little") + 1
        height = int.from_bytes(data[27:30], "little") + 1
        return width, height
    if chunk == b"VP8L" and data[20:21] == b"\x2f":
        bits = int.from_bytes(data[21:25], "little")
        return (bits & 0x3FFF) + 1, ((bits >> 14) & 0x3FFF) + 1
    if chunk == b"VP8 ":
        width, height = struct.unpack("<HH", data[26:30])
        return width & 0x3FFF, height & 0x3FFF
    return None


def _process_and_store(data: bytes, max_pixels: int, folder: Path) -> str:
    stored, thumb, extension = _reencode(data, max_pixels)
    name = _write_new(folder, extension, stored)
    write_private(folder / thumbnail_name(name), thumb)
    return name


def _reencode(data: bytes, max_pixels: int) -> tuple[bytes, bytes, str]:
    """(stored bytes, thumbnail bytes, extension): decoded once, at a reduced scale when the
    format allows, scaled down in place; no full-size copy is ever made."""
    try:
        with Image.open(io.BytesIO(data), formats=list(FORMATS)) as probe:
            # Cameras' multi-picture JPEGs (MPO) are JPEGs: the first picture is kept.
            kind = "JPEG" if probe.format == "MPO" else probe.format
            if kind not in FORMATS:
                raise ImageRejected(NOT_AN_IMAGE)
            # Pillow's own reading of the header is the one that decides what it decodes.
            check_dimensions(probe.size, max_pixels)
            probe.verify()
        with Image.open(io.BytesIO(data), formats=[kind]) as image:
            check_dimensions(image.size, max_pixels)
            if kind == "JPEG":
                # Decode at 1/2, 1/4 or 1/8 scale when that still covers the stored size.
                image.draft(None, _fitted(image.size, MAX_SIZE))
            image.thumbnail(MAX_SIZE)  # decodes, then reduce()s before resampling
            # After the scaling: the box is square, so turning first would fit the same.
            image = ImageOps.exif_transpose(image)  # keep the orientation, drop the EXIF
            if kind == "JPEG" and image.mode not in ("RGB", "L"):
                image = image.convert("RGB")
            extension, save_format, options = FORMATS[kind]
            stored = _encode(image, MAX_SIZE, save_format, options)
            thumb = _encode(image, THUMB_SIZE, save_format, options)
    except ImageRejected:
        raise
    except (
        UnidentifiedImageError,
        OSError,
        SyntaxError,
        ValueError,
        Image.DecompressionBombError,
    ) as exc:
        raise ImageRejected(NOT_AN_IMAGE) from exc
    return stored, thumb, extension


def _fitted(size: tuple[int, int], box: tuple[int, int]) -> tuple[int, int]:
    scale = min(1.0, box[0] / size[0], box[1] / size[1])
    return max(1, int(size[0] * scale)), max(1, int(size[1] * scale))


def _write_new(folder: Path, extension: str, data: bytes) -> str:
    # 31 random hex digits and an "0"; the thumbnail has the same name ending in "t".
    name = f"{secrets.token_hex(16)[:31]}0.{extension}"
    write_private(folder / name, data)
    return name


def _encode(image: Image.Image, size: tuple[int, int], save_format: str, options: dict) -> bytes:
    copy = image.copy()  # at most MAX_SIZE by now: cheap
    copy.thumbnail(size)
    # Pillow would write comments and other text chunks back: keep what rendering needs.
    copy.info = {k: v for k, v in copy.info.items() if k in ("transparency", "duration", "loop")}
    out = io.BytesIO()
    copy.save(out, save_format, **options)  # metadata is not carried over
    return out.getvalue()


@bp.get("/media/<name>")
def image(name: str):
    if not IMAGE_NAME.fullmatch(name):
        abort(404)
    response = send_from_directory(image_dir(), name, max_age=30 * 24 * 3600)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Security-Policy"] = "default-src 'none'"
    return response


def thumbnail_or_image(name: str) -> str:
    """The thumbnail's name when one was made, else the image's own."""
    thumb = thumbnail_name(name)
    return thumb if (image_dir() / thumb).exists() else name
