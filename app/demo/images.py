"""Small generated illustration pictures for the demo content (no shipped binaries)."""

from __future__ import annotations

import io
import random

from PIL import Image, ImageDraw


def _hex(color: str) -> tuple[int, int, int]:
    color = color.lstrip("#")
    return int(color[0:2], 16), int(color[2:4], 16), int(color[4:6], 16)


def _mix(a: tuple[int, int, int], b: tuple[int, int, int], t: float) -> tuple[int, int, int]:
    return tuple(round(x + (y - x) * t) for x, y in zip(a, b, strict=True))  # type: ignore[return-value]


def landscape_jpeg(color: str, seed: int, size: tuple[int, int] = (640, 427)) -> bytes:
    """A sky-and-hills picture tinted by `color`; the same seed gives the same picture."""
    rng = random.Random(seed)  # noqa: S311 - decoration, not security
    width, height = size
    base = _hex(color)
    image = Image.new("RGB", size)
    draw = ImageDraw.Draw(image)
    top, bottom = _mix(base, (255, 255, 255), 0.55), _mix(base, (255, 255, 255), 0.9)
    for y in range(height):
        draw.line([(0, y), (width, y)], fill=_mix(top, bottom, y / height))
    sun_x, sun_y = rng.randint(80, width - 80), rng.randint(40, height // 3)
    draw.ellipse([sun_x - 36, sun_y - 36, sun_x + 36, sun_y + 36], fill=(255, 221, 120))
    for layer in range(3):
        shade = _mix(base, (0, 0, 0), 0.15 + layer * 0.2)
        level = height * (0.5 + layer * 0.14)
        points = [(0, height)]
        for x in range(0, width + 40, 40):
            points.append((x, level + rng.randint(-30, 30)))
        points.append((width, height))
        draw.polygon(points, fill=shade)
    out = io.BytesIO()
    image.save(out, "JPEG", quality=82, optimize=True)
    return out.getvalue()


def banner_png(color: str, size: tuple[int, int] = (300, 90)) -> bytes:
    """A plain banner background with a stripe; the title is shown as alt text and below."""
    base = _hex(color)
    image = Image.new("RGB", size, base)
    draw = ImageDraw.Draw(image)
    width, height = size
    for i in range(0, width, 24):
        draw.line([(i, height), (i + height, 0)], fill=_mix(base, (255, 255, 255), 0.15), width=6)
    draw.rectangle([0, height - 8, width, height], fill=(255, 212, 0))
    out = io.BytesIO()
    image.save(out, "PNG", optimize=True)
    return out.getvalue()
