"""Uploaded images: checked and re-encoded with Pillow, stored under instance/uploads/images
by generated names, served by name only."""

from __future__ import annotations

import io
import re
import secrets
from pathlib import Path
from typing import BinaryIO

from flask import Blueprint, abort, current_app, send_from_directory
from PIL import Image, ImageOps, UnidentifiedImageError

bp = Blueprint("media", __name__)

IMAGE_NAME = re.compile(r"^[0-9a-f]{31}[0-9a-ft]\.(?:jpg|png|webp|gif)$")


def image_dir() -> Path:
    path = Path(current_app.instance_path) / "uploads" / "images"
    path.mkdir(parents=True, exist_ok=True)
    return path


def save_image_bytes(data: bytes, extension: str) -> str:
    """Store already-verified image bytes under a generated name; return the name."""
    # 31 random hex digits and an "0"; the thumbnail has the same name ending in "t".
    name = f"{secrets.token_hex(16)[:31]}0.{extension}"
    (image_dir() / name).write_bytes(data)
    return name


# Pillow format -> (stored extension, save format, save options)
FORMATS = {
    "JPEG": ("jpg", "JPEG", {"quality": 85, "optimize": True}),
    "PNG": ("png", "PNG", {"optimize": True}),
    "WEBP": ("webp", "WEBP", {"quality": 85}),
    "GIF": ("gif", "GIF", {}),
}
MAX_PIXELS = 40_000_000  # refuse decompression bombs before decoding
MAX_SIZE = (1600, 1600)  # stored images are scaled down to fit
THUMB_SIZE = (400, 300)


class ImageRejected(ValueError):
    """Not an allowed image; the message is for the editor."""


def thumbnail_name(name: str) -> str:
    stem, _, ext = name.partition(".")
    return f"{stem[:-1]}t.{ext}"


def save_uploaded_image(stream: BinaryIO, max_bytes: int | None = None) -> str:
    """Verify an upload is a JPEG/PNG/WebP/GIF by its content, strip its metadata by
    re-encoding, scale it down, write it and a thumbnail; return the stored name."""
    max_bytes = max_bytes or current_app.config["IMAGE_MAX_BYTES"]
    data = stream.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise ImageRejected(f"Ảnh vượt quá dung lượng cho phép ({max_bytes // (1024 * 1024)} MB).")
    try:
        with Image.open(io.BytesIO(data)) as probe:
            kind = probe.format
            if kind not in FORMATS:
                raise ImageRejected("Chỉ chấp nhận ảnh JPEG, PNG, WebP hoặc GIF.")
            if probe.width * probe.height > MAX_PIXELS:
                raise ImageRejected("Ảnh có kích thước điểm ảnh quá lớn.")
            probe.verify()
        with Image.open(io.BytesIO(data)) as image:
            image.load()
            image = ImageOps.exif_transpose(image)  # keep the orientation, drop the EXIF
            if kind == "JPEG" and image.mode not in ("RGB", "L"):
                image = image.convert("RGB")
            extension, save_format, options = FORMATS[kind]
            stored = _encode(image, MAX_SIZE, save_format, options)
            thumb = _encode(image, THUMB_SIZE, save_format, options)
    except (
        UnidentifiedImageError,
        OSError,
        SyntaxError,
        ValueError,
        Image.DecompressionBombError,
    ) as exc:
        if isinstance(exc, ImageRejected):
            raise
        raise ImageRejected("Tệp không phải là ảnh hợp lệ (JPEG, PNG, WebP, GIF).") from exc
    name = save_image_bytes(stored, extension)
    (image_dir() / thumbnail_name(name)).write_bytes(thumb)
    return name


def _encode(image: Image.Image, size: tuple[int, int], save_format: str, options: dict) -> bytes:
    copy = image.copy()
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
