"""Small generated illustration pictures for the demo content (no shipped binaries)."""

from __future__ import annotations

import io
import math
import random
import unicodedata

from PIL import Image, ImageDraw, ImageFont


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


# Fonts with Vietnamese letters, searched by Pillow in the system's font folders; without one,
# Pillow's own font draws the words without their accents.
_FONTS = ("DejaVuSans-Bold.ttf", "LiberationSans-Bold.ttf", "NotoSans-Bold.ttf", "Arial Bold.ttf")


def _font(size: int) -> tuple[ImageFont.FreeTypeFont | ImageFont.ImageFont, bool]:
    """A bold font of `size` pixels and whether it draws Vietnamese accents."""
    for name in _FONTS:
        try:
            return ImageFont.truetype(name, size), True
        except OSError:
            continue
    return ImageFont.load_default(size), False


def _plain(text: str) -> str:
    """`Cổng Đường` -> `Cong Duong`: for a font without Vietnamese letters."""
    text = text.replace("Đ", "D").replace("đ", "d")
    return "".join(c for c in unicodedata.normalize("NFD", text) if not unicodedata.combining(c))


def _draw_lines(draw: ImageDraw.ImageDraw, box: tuple[int, int, int, int], lines: list[str],
                size: int, fill: tuple[int, int, int]) -> None:  # fmt: skip
    """Centre `lines` in `box`, shrinking the font until they fit."""
    left, top, right, bottom = box
    while True:
        font, accents = _font(size)
        shown = lines if accents else [_plain(line) for line in lines]
        widths = [draw.textlength(line, font=font) for line in shown]
        height = len(shown) * size * 1.25
        if size <= 9 or (max(widths) <= right - left and height <= bottom - top):
            break
        size -= 1
    y = top + (bottom - top - height) / 2
    for line, width in zip(shown, widths, strict=True):
        draw.text((left + (right - left - width) / 2, y), line, font=font, fill=fill)
        y += size * 1.25


def text_banner_png(color: str, text: str, size: tuple[int, int] = (300, 90)) -> bytes:
    """A banner that carries its own words (lines split at newlines), like the pictures
    agencies put in their sidebar: shown without the title over it."""
    base = _hex(color)
    image = Image.new("RGB", size, base)
    draw = ImageDraw.Draw(image)
    width, height = size
    draw.rectangle([0, 0, height - 10, height], fill=_mix(base, (0, 0, 0), 0.25))
    draw.ellipse([14, 14, height - 24, height - 24], outline=(255, 212, 0), width=4)
    draw.polygon(_star(((height - 10) / 2, height / 2), (height - 38) / 2 - 4), fill=(255, 212, 0))
    draw.rectangle([0, height - 6, width, height], fill=(255, 212, 0))
    _draw_lines(draw, (height, 8, width - 10, height - 12), text.split("\n"), 20, (255, 255, 255))
    out = io.BytesIO()
    image.save(out, "PNG", optimize=True)
    return out.getvalue()


def _star(centre: tuple[float, float], radius: float) -> list[tuple[float, float]]:
    x, y = centre
    points = []
    for n in range(10):
        r = radius if n % 2 == 0 else radius * 0.4
        angle = math.pi / 2 + n * math.pi / 5
        points.append((x + r * math.cos(angle), y - r * math.sin(angle)))
    return points


def logo_png(color: str, initials: str, size: int = 96) -> bytes:
    """A round emblem with `initials`, the kind of logo a partner site's link shows."""
    base = _hex(color)
    image = Image.new("RGB", (size, size), (255, 255, 255))
    draw = ImageDraw.Draw(image)
    draw.ellipse([2, 2, size - 3, size - 3], fill=base, outline=_mix(base, (0, 0, 0), 0.3),
                 width=3)  # fmt: skip
    draw.ellipse([9, 9, size - 10, size - 10], outline=(255, 212, 0), width=2)
    margin = size // 5
    _draw_lines(draw, (margin, margin, size - margin, size - margin), [initials], size // 3,
                (255, 255, 255))  # fmt: skip
    out = io.BytesIO()
    image.save(out, "PNG", optimize=True)
    return out.getvalue()
