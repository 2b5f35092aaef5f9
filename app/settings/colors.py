"""Colours of the site's theme: WCAG 2 contrast, and the shades derived from a chosen colour."""

from __future__ import annotations

AA_NORMAL_TEXT = 4.5  # WCAG 2 AA, 1.4.3: text of normal size
WHITE = "#ffffff"


def _channels(color: str) -> tuple[int, int, int]:
    value = color.lstrip("#")
    return int(value[0:2], 16), int(value[2:4], 16), int(value[4:6], 16)


def _hex(channels: tuple[float, float, float]) -> str:
    return "#" + "".join(f"{max(0, min(255, round(c))):02x}" for c in channels)


def relative_luminance(color: str) -> float:
    """WCAG 2's relative luminance of "#rrggbb" (0 black .. 1 white)."""

    def linear(channel: int) -> float:
        c = channel / 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (linear(c) for c in _channels(color))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast_ratio(first: str, second: str) -> float:
    """WCAG 2's contrast ratio of two colours, 1 to 21."""
    lighter, darker = sorted((relative_luminance(first), relative_luminance(second)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def mix(color: str, other: str, share_of_other: float) -> str:
    """`color` with `share_of_other` (0..1) of `other` mixed in, channel by channel."""
    return _hex(
        tuple(
            a + (b - a) * share_of_other
            for a, b in zip(_channels(color), _channels(other), strict=True)
        )  # fmt: skip
    )


def darker(color: str) -> str:
    """The shade used next to `color` (header gradient, footer, hovers): a quarter black."""
    return mix(color, "#000000", 0.25)


def tint(color: str) -> str:
    """The light background drawn behind text of `color` (notices, table headers)."""
    return mix(color, WHITE, 0.92)


def format_ratio(ratio: float) -> str:
    """4.4789 -> "4,47" (rounded down: a colour refused never reads as reaching the bar)."""
    return f"{int(ratio * 100) / 100:.2f}".replace(".", ",")


__all__ = [
    "AA_NORMAL_TEXT",
    "contrast_ratio",
    "darker",
    "format_ratio",
    "mix",
    "relative_luminance",
    "tint",
]
