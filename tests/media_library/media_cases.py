"""What the media library tests share: pictures, uploads through the admin form and the
picker's API, and reading the library's grid.

Not a test module: the modules of tests/media_library/ import it.
"""

from __future__ import annotations

import io

from auth_helpers import page_token
from pages import parse
from PIL import Image
from werkzeug.datastructures import FileStorage, MultiDict
from werkzeug.test import encode_multipart

LIBRARY = "/admin/thu-vien-anh/"
API = "/admin/thu-vien-anh/api"
JSON = {"Accept": "application/json"}


def picture(color: tuple[int, int, int], size: tuple[int, int] = (64, 48), kind="PNG") -> bytes:
    """A small two-colour picture; another colour gives other bytes."""
    image = Image.new("RGB", size, color)
    inverse = tuple(255 - c for c in color)
    image.paste(inverse, (0, 0, size[0] // 2, size[1] // 2))
    out = io.BytesIO()
    image.save(out, kind)
    return out.getvalue()


def encoded(files: list[tuple[str, bytes, str]], fields: dict[str, str]) -> dict:
    """client.post() arguments for a multipart body made in memory (the test client spools
    big bodies to temporary files it never closes): files as (field, content, name)."""
    values = MultiDict(fields)
    for field, content, name in files:
        values.add(field, FileStorage(io.BytesIO(content), filename=name))
    boundary, body = encode_multipart(values)
    return {"data": body, "content_type": f"multipart/form-data; boundary={boundary}"}


def api_upload(client, data: bytes, name: str = "anh.png", *, token: str | None = None):
    """POST one file to the picker's API as its script does (X-CSRFToken, JSON wanted)."""
    if token is None:
        token = page_token(client, LIBRARY)
    headers = {**JSON, "X-CSRFToken": token} if token else dict(JSON)
    return client.post(API, headers=headers, **encoded([("file", data, name)], {}))


def form_upload(client, files: list[tuple[bytes, str]], *, token: str | None = None):
    """Send the admin page's upload form with `files` ((content, name) each)."""
    if token is None:
        token = page_token(client, LIBRARY)
    fields = {"csrf_token": token} if token else {}
    parts = [("files", content, name) for content, name in files]
    return client.post(LIBRARY + "tai-len", **encoded(parts, fields))


def grid_titles(page: str) -> list[str]:
    """The titles the library's grid shows, in order."""
    return [n.text().strip() for n in parse(page).find_all("span", cls="media-card-title")]
