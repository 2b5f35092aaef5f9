"""Images for upload tests: hostile SVG, pictures that do not compress.

Not a test module: the article administration tests (tests/admin_articles/) and
test_admin_blocks.py import it.
"""

from __future__ import annotations

import io
import os

from PIL import Image

SVG_WITH_SCRIPT = (
    b'<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY x "boom">]>'
    b'<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10" onload="alert(1)">'
    b"<script>alert(document.cookie)</script><rect width='10' height='10'/></svg>"
)


def noise_png(size: tuple[int, int]) -> bytes:
    """A PNG that does not compress: random pixels."""
    out = io.BytesIO()
    Image.frombytes("RGB", size, os.urandom(size[0] * size[1] * 3)).save(out, "PNG")
    return out.getvalue()
