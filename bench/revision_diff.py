"""How long the admin's revision diff takes (issue 12, app/news/revision_diff.py), on bodies
made up of repetitive Vietnamese words and tables, up to the 500,000-character cap.

    .venv/bin/python bench/revision_diff.py

The comparison runs in the heavy thread pool under gevent (app.offload); these times are the
CPU it takes there. Before the two-pass diff, 45,000 characters took 35 s word by word.
"""

from __future__ import annotations

import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from app.news.revision_diff import diff_words  # noqa: E402

WORDS = ["chỉ", "tiêu", "kết", "quả", "năm", "học", "sinh", "trường", "huyện", "tỉnh"]


def body(paragraphs: int, rng: random.Random) -> str:
    parts = []
    for i in range(paragraphs):
        parts.append("<p>" + " ".join(rng.choice(WORDS) for _ in range(30)) + "</p>")
        if i % 10 == 0:
            parts.append("<table><tbody><tr><td>1</td><td>2</td></tr></tbody></table>")
    return "".join(parts)


def edited(text: str, rng: random.Random) -> str:
    """About one paragraph in fifty gets two more words."""
    parts = text.split("</p>")
    for i in rng.sample(range(len(parts)), max(1, len(parts) // 50)):
        parts[i] += " thêm mới"
    return "</p>".join(parts)


def timed(label: str, before: str, after: str) -> None:
    start = time.perf_counter()
    diff_words(before, after, source=True)
    print(f"{label:44} {len(before):>8,} chars {1000 * (time.perf_counter() - start):8.1f} ms")


def main() -> None:
    rng = random.Random(1)
    for paragraphs in (50, 300, 1000, 2500):
        text = body(paragraphs, rng)
        timed(f"{paragraphs} paragraphs, ~2% edited", text, edited(text, rng))
    timed("2,500 paragraphs, all different", body(2500, rng), body(2500, rng))
    row = "<tr><td>Lớp</td><td>40</td></tr>"
    rows = row * 15000
    timed("15,000 identical rows, one edited mid-way", f"<table>{rows}</table>",
          f"<table>{row * 7500}{row.replace('40', '41')}{row * 7499}</table>")  # fmt: skip
    words = " ".join(rng.choice(WORDS) for _ in range(100_000))
    timed("one 100,000-word paragraph, one word", f"<p>{words}</p>",
          f"<p>{words.replace('năm', 'NĂM', 1)}</p>")  # fmt: skip


if __name__ == "__main__":
    main()
