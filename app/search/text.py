"""Text for the search index and for showing results: HTML to text, folded word tokens, and
highlights placed on the original accented text."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import cached_property, lru_cache
from html.parser import HTMLParser

from markupsafe import Markup, escape

from app.slugs import fold, strip_diacritics

# What FTS5's unicode61 tokenizer and our PostgreSQL text both treat as one word: letters and
# digits; everything else (punctuation, `_`, quotes, FTS operators) separates words.
WORD = re.compile(r"[^\W_]+")
MAX_INDEXED_CHARS = 200_000  # PostgreSQL's tsvector holds at most 1 MB; no article is this long
SNIPPET_CHARS = 240
SNIPPET_BEFORE = 70

_BLOCKS = {
    "address", "article", "blockquote", "br", "dd", "div", "dl", "dt", "figcaption", "figure",
    "h1", "h2", "h3", "h4", "h5", "h6", "hr", "li", "ol", "p", "pre", "section", "table",
    "td", "th", "tr", "ul",
}  # fmt: skip
_SKIPPED = {"script", "style", "template"}


class _TextOf(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skipping = 0

    def handle_starttag(self, tag: str, attrs) -> None:
        if tag in _SKIPPED:
            self.skipping += 1
        elif tag in _BLOCKS:
            self.parts.append(" ")

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIPPED:
            self.skipping = max(0, self.skipping - 1)
        elif tag in _BLOCKS:
            self.parts.append(" ")

    def handle_data(self, data: str) -> None:
        if not self.skipping:
            self.parts.append(data)


def html_to_text(html: str) -> str:
    """The words of an HTML fragment, blocks separated, whitespace collapsed (for indexing and
    snippets only: the output is always escaped again before it is shown)."""
    parser = _TextOf()
    parser.feed(html or "")
    parser.close()
    return " ".join("".join(parser.parts).split())


def index_text(text: str) -> str:
    """`text` folded to the index's form: lower-case ASCII-like words separated by spaces."""
    return " ".join(WORD.findall(fold(text[:MAX_INDEXED_CHARS])))


def query_terms(q: str, limit: int) -> list[str]:
    """The distinct folded words of what a reader typed, at most `limit` of them."""
    terms: list[str] = []
    for word in WORD.findall(fold(q)):
        if word not in terms:
            terms.append(word)
    return terms[:limit]


@lru_cache(maxsize=4096)
def _fold_char(ch: str) -> str:
    folded = strip_diacritics(ch).lower()
    return "".join(c for c in folded if not unicodedata.combining(c))


def _folded_with_map(text: str) -> tuple[str, list[int] | None, list[int] | None]:
    """`text` folded character by character, with the original span of each folded char
    (None when every character folds to exactly one: positions are the same)."""
    table: dict[int, str] = {}
    for ch in set(text):
        folded = _fold_char(ch)
        if len(folded) != 1:
            break
        table[ord(ch)] = folded
    else:  # the usual case (precomposed Vietnamese): one C-level pass
        return text.translate(table), None, None
    out: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    for i, ch in enumerate(text):
        folded = _fold_char(ch)
        if not folded:  # a combining mark (decomposed input) belongs to the letter before
            if ends:
                ends[-1] = i + 1
            continue
        for c in folded:
            out.append(c)
            starts.append(i)
            ends.append(i + 1)
    return "".join(out), starts, ends


@dataclass(frozen=True)
class Matcher:
    """Which words of a text match the query: every term exactly, the last one also as a
    prefix when the search uses prefix matching."""

    terms: tuple[str, ...]
    prefix: str = ""

    @cached_property
    def _pattern(self) -> re.Pattern[str] | None:
        """Whole folded words equal to a term (or starting with the prefix)."""
        choices = [re.escape(t) for t in sorted(self.terms, key=len, reverse=True)]
        if self.prefix:
            choices.insert(0, re.escape(self.prefix) + r"[^\W_]*")
        if not choices:
            return None
        return re.compile(r"(?<![^\W_])(?:" + "|".join(choices) + r")(?![^\W_])")

    def spans(self, text: str) -> list[tuple[int, int]]:
        """The (start, end) spans of matching words in the ORIGINAL `text`."""
        if self._pattern is None:
            return []
        folded, starts, ends = _folded_with_map(text)
        found = [m.span() for m in self._pattern.finditer(folded)]
        if starts is None or ends is None:
            return found
        return [(starts[s], ends[e - 1]) for s, e in found]

    def highlight(self, text: str) -> Markup:
        """`text` escaped, its matching words in <mark>."""
        return _marked(text, self.spans(text))

    def snippet(self, text: str, length: int = SNIPPET_CHARS) -> Markup:
        """A piece of `text` around its first match (its beginning when nothing matches),
        escaped and highlighted, with an ellipsis where it was cut."""
        spans = self.spans(text)
        start = 0
        if spans and spans[0][1] > length - 20:
            start = max(0, spans[0][0] - SNIPPET_BEFORE)
            start = _word_start(text, start)
        end = start + length
        if end < len(text):
            cut = text.rfind(" ", start, end)
            end = cut if cut > start else end
        piece = text[start:end]
        inside = [(s - start, e - start) for s, e in spans if s >= start and e <= end]
        marked = _marked(piece, inside)
        before = Markup("… ") if start > 0 else Markup("")
        after = Markup(" …") if end < len(text) else Markup("")
        return before + marked + after


def _word_start(text: str, at: int) -> int:
    space = text.find(" ", at)
    return space + 1 if 0 <= space < at + 30 else at


def _marked(text: str, spans: list[tuple[int, int]]) -> Markup:
    parts: list[Markup] = []
    last = 0
    for start, end in spans:
        parts.append(escape(text[last:start]))
        parts.append(Markup("<mark>%s</mark>") % text[start:end])
        last = end
    parts.append(escape(text[last:]))
    return Markup("").join(parts)
