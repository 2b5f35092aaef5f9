"""What changed between two versions of an article: title, lead and body word by word, and
the other fields one by one. Bodies are compared as their HTML source, tags kept whole and
shown as text, so a new table row or a removed link reads as such; every piece is escaped
before <ins>/<del> go round it, whatever an editor (or an old import) stored."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import datetime
from difflib import SequenceMatcher

from markupsafe import Markup, escape

from app.dates import format_datetime
from app.news.models import Article, ArticleRevision
from app.news.operations import snapshot_fields

# A tag, a run of spaces, or a word (up to the next space or tag).
TOKENS = re.compile(r"<[^>]*>|\s+|[^\s<]+")
# Block tags start a new line in the shown source, so the structure stays readable.
BLOCK_START = re.compile(
    r"<(?:p|h[1-6]|li|ul|ol|blockquote|figure|figcaption|table|thead|tbody|tr|div|pre|hr)\b",
    re.IGNORECASE,
)
# Past this many token pairs a changed section is shown removed and added whole: comparing
# word by word costs up to the product of the two lengths.
MAX_WORD_PAIRS = 4_000_000

FIELD_LABELS = {
    "slug": "Đường dẫn (slug)",
    "category_id": "Chuyên mục chính",
    "extra_category_ids": "Chuyên mục khác",
    "tags": "Từ khóa",
    "image": "Ảnh minh họa",
    "image_caption": "Chú thích ảnh",
    "image_position": "Vị trí ảnh",
    "author": "Tác giả",
    "source": "Nguồn tin",
    "status": "Trạng thái",
    "featured": "Tin nổi bật",
    "rating_enabled": "Cho phép đánh giá",
    "published_at": "Thời điểm đăng",
    "expires_at": "Ngừng đăng lúc",
}


@dataclass(frozen=True)
class Version:
    """One side of a comparison: a revision or the article as it stands."""

    label: str
    title: str
    lead: str
    body: str
    fields: dict


@dataclass(frozen=True)
class FieldChange:
    label: str
    before: str
    after: str


@dataclass(frozen=True)
class Comparison:
    older: Version
    newer: Version
    title: Markup
    lead: Markup
    body: Markup
    fields: list[FieldChange]

    @property
    def unchanged(self) -> bool:
        return (
            self.older.title == self.newer.title
            and self.older.lead == self.newer.lead
            and self.older.body == self.newer.body
            and not self.fields
        )


def of_revision(revision: ArticleRevision, label: str) -> Version:
    return Version(label, revision.title, revision.lead, revision.body,
                   json.loads(revision.fields or "{}"))  # fmt: skip


def of_article(article: Article, label: str) -> Version:
    return Version(label, article.title, article.lead, article.body, snapshot_fields(article))


def _block_lines(html: str) -> list[str]:
    """The HTML source cut before each block element: the units the first pass compares."""
    lines: list[list[str]] = [[]]
    for token in TOKENS.findall(html):
        if BLOCK_START.match(token) and lines[-1]:
            lines[-1].append("\n")
            lines.append([])
        lines[-1].append(token)
    return ["".join(line) for line in lines if line]


def _words(old: list[str], new: list[str]) -> str:
    """The second pass: tokens compared one by one, escaped, changes marked."""
    if len(old) * len(new) > MAX_WORD_PAIRS:  # a whole section rewritten: shown as such
        return _marked("del", old) + _marked("ins", new)
    out: list[str] = []
    matcher = SequenceMatcher(None, old, new, autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            out.append(str(escape("".join(old[i1:i2]))))
            continue
        if op in ("delete", "replace"):
            out.append(_marked("del", old[i1:i2]))
        if op in ("insert", "replace"):
            out.append(_marked("ins", new[j1:j2]))
    return "".join(out)


def _marked(tag: str, tokens: list[str]) -> str:
    return f"<{tag}>{escape(''.join(tokens))}</{tag}>" if tokens else ""


def diff_words(before: str, after: str, *, source: bool = False) -> Markup:
    """`after` with what it added in <ins> and what it dropped from `before` in <del>,
    escaped. `source`: HTML shown as its source, one block element a line; blocks are
    matched first, then the words of the blocks that changed (a whole body word by word
    is quadratic: 35 s for 45,000 characters of a repetitive table)."""
    if not source:
        return Markup(_words(TOKENS.findall(before), TOKENS.findall(after)))  # noqa: S704
    old, new = _block_lines(before), _block_lines(after)
    # The blocks both share at the start and the end are set aside first: an edit in one
    # place is then exact whatever the body repeats (the matcher below treats lines found
    # everywhere, like a table's identical rows, as noise, to stay fast).
    head = 0
    while head < min(len(old), len(new)) and old[head] == new[head]:
        head += 1
    tail = 0
    while tail < min(len(old), len(new)) - head and old[-1 - tail] == new[-1 - tail]:
        tail += 1
    middle_old, middle_new = old[head : len(old) - tail], new[head : len(new) - tail]
    out = [str(escape("".join(old[:head])))]
    for op, i1, i2, j1, j2 in SequenceMatcher(None, middle_old, middle_new).get_opcodes():
        if op == "equal":
            out.append(str(escape("".join(middle_old[i1:i2]))))
        else:
            out.append(_words(TOKENS.findall("".join(middle_old[i1:i2])),
                              TOKENS.findall("".join(middle_new[j1:j2]))))  # fmt: skip
    out.append(str(escape("".join(old[len(old) - tail :]))))
    return Markup("".join(out))  # noqa: S704 - every piece escaped above


def _shown(key: str, value, category_names: dict[int, str]) -> str:
    if value is None or value == "" or value == []:
        return "—"
    if key in ("published_at", "expires_at"):
        return format_datetime(datetime.fromisoformat(value))
    if key == "category_id":
        return category_names.get(value, f"#{value}")
    if key == "extra_category_ids":
        return ", ".join(category_names.get(i, f"#{i}") for i in value)
    if isinstance(value, bool):
        return "Có" if value else "Không"
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    return str(value)


def compare(older: Version, newer: Version, category_names: dict[int, str]) -> Comparison:
    changes = []
    for key, label in FIELD_LABELS.items():
        before, after = older.fields.get(key), newer.fields.get(key)
        if before != after:
            changes.append(FieldChange(label, _shown(key, before, category_names),
                                       _shown(key, after, category_names)))  # fmt: skip
    return Comparison(
        older=older,
        newer=newer,
        title=diff_words(older.title, newer.title),
        lead=diff_words(older.lead, newer.lead),
        body=diff_words(older.body, newer.body, source=True),
        fields=changes,
    )
