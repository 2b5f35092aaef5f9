"""Cost of sanitising an article body on save: nh3 alone (the old allowlist, any class kept)
against the current sanitiser (a Python filter narrowing classes, image sources and frames,
then a second pass writing the body the way the editor, TinyMCE, writes it).

    .venv/bin/python bench/sanitiser.py [--repeat 200]

Bodies: a typical news article (~12 KB, 40 paragraphs, 6 captioned images, alignment classes)
and a hostile one of the same size (every element with foreign classes and remote images).
Prints microseconds per body (median of the runs). Saves and the 0007 migration pay this;
page views never do (bodies are stored sanitised).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

import nh3

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from app.html_sanitizer import (  # noqa: E402
    ALLOWED_ATTRIBUTES,
    ALLOWED_TAGS,
    ALLOWED_URL_SCHEMES,
    sanitize_html,
)

PARAGRAPH = (
    '<p class="ql-align-justify">Sáng nay, Ủy ban nhân dân tỉnh tổ chức hội nghị triển khai '
    "nhiệm vụ chuyển đổi số năm 2024 với sự tham dự của <strong>hơn 200 đại biểu</strong> "
    'đến từ các sở, ban, ngành và <a href="https://example.gov.vn/van-ban">địa phương</a>.</p>'
)
FIGURE = (
    '<figure><img src="/media/0123456789abcdef0123456789abcde0.jpg" alt="Ảnh hội nghị">'
    "<figcaption>Quang cảnh hội nghị</figcaption></figure>"
)
HOSTILE = (
    '<p class="flash flash-error idle-bar ql-indent-1" title="x">Thông báo giả mạo</p>'
    '<img src="https://tracker.example/p.gif" class="button" alt="x">'
)


def typical_body() -> str:
    parts = []
    for n in range(40):
        parts.append(PARAGRAPH)
        if n % 7 == 3:
            parts.append(FIGURE)
    return "".join(parts)


def old_sanitiser(html: str) -> str:
    return nh3.clean(html, tags=ALLOWED_TAGS, attributes=ALLOWED_ATTRIBUTES,
                     url_schemes=ALLOWED_URL_SCHEMES, link_rel="noopener noreferrer nofollow",
                     strip_comments=True)  # fmt: skip


def median_us(fn, body: str, repeat: int) -> float:
    runs = []
    for _ in range(repeat):
        started = time.perf_counter()
        fn(body)
        runs.append((time.perf_counter() - started) * 1e6)
    return statistics.median(runs)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=200)
    repeat = parser.parse_args().repeat
    typical = typical_body()
    hostile = HOSTILE * (len(typical) // len(HOSTILE))
    for name, body in (("typical", typical), ("hostile", hostile)):
        old = median_us(old_sanitiser, body, repeat)
        new = median_us(lambda h: sanitize_html(h, external_images=False), body, repeat)
        print(f"{name:8} {len(body) / 1024:5.1f} KB  nh3 alone {old:8.0f} us"
              f"  current {new:8.0f} us  ({new / old:.2f}x)")  # fmt: skip


if __name__ == "__main__":
    main()
