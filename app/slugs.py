"""Readable ASCII slugs from Vietnamese titles, and diacritic-free text for search."""

import unicodedata

from slugify import slugify as _slugify

MAX_SLUG_LENGTH = 120


def slugify(text: str) -> str:
    """`Đổi mới giáo dục` -> `doi-moi-giao-duc`; never empty."""
    # text-unidecode maps đ/Đ to d/D like every other Vietnamese letter.
    return _slugify(text, max_length=MAX_SLUG_LENGTH, word_boundary=True) or "bai-viet"


def fold(text: str) -> str:
    """Lower case without diacritics, for search: `Hướng Dẫn` -> `huong dan`."""
    decomposed = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(stripped.lower().split())
