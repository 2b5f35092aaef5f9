"""Uploaded images: stored under instance/uploads/images by generated names, served by name."""

from __future__ import annotations

import re
import secrets
from pathlib import Path

from flask import Blueprint, abort, current_app, send_from_directory

bp = Blueprint("media", __name__)

IMAGE_NAME = re.compile(r"^[0-9a-f]{32}\.(?:jpg|png|webp|gif)$")


def image_dir() -> Path:
    path = Path(current_app.instance_path) / "uploads" / "images"
    path.mkdir(parents=True, exist_ok=True)
    return path


def save_image_bytes(data: bytes, extension: str) -> str:
    """Store already-verified image bytes under a generated name; return the name."""
    name = f"{secrets.token_hex(16)}.{extension}"
    (image_dir() / name).write_bytes(data)
    return name


@bp.get("/media/<name>")
def image(name: str):
    if not IMAGE_NAME.fullmatch(name):
        abort(404)
    response = send_from_directory(image_dir(), name, max_age=30 * 24 * 3600)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Security-Policy"] = "default-src 'none'"
    return response
