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
# Bodies are capped at 500,000 characters: past this many tokens, compare line by line.
MAX_WORD_TOKENS = 40_000

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


def _tokens(text: str, *, source: bool) -> list[str]:
    tokens = TOKENS.findall(text)
    if not source:
        return tokens
    shown: list[str] = []
    for token in tokens:
        if BLOCK_START.match(token) and shown and not shown[-1].endswith("\n"):
            shown.append("\n")
        shown.append(token)
    return shown


def diff_words(before: str, after: str, *, source: bool = False) -> Markup:
    """`after` with what it added in <ins> and what it dropped from `before` in <del>,
    escaped. `source`: HTML shown as its source, one block element a line."""
    old, new = _tokens(before, source=source), _tokens(after, source=source)
    if len(old) + len(new) > MAX_WORD_TOKENS:  # keep a huge body's diff quick
        old, new = before.splitlines(keepends=True), after.splitlines(keepends=True)
    out: list[str] = []
    matcher = SequenceMatcher(None, old, new, autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            out.append(str(escape("".join(old[i1:i2]))))
            continue
        if op in ("delete", "replace"):
            out.append(f"<del>{escape(''.join(old[i1:i2]))}</del>")
        if op in ("insert", "replace"):
            out.append(f"<ins>{escape(''.join(new[j1:j2]))}</ins>")
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
