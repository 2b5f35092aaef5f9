"""Readable ASCII slugs from Vietnamese titles, and diacritic-free text for search."""

import unicodedata

from slugify import slugify as _slugify

MAX_SLUG_LENGTH = 120


def slugify(text: str) -> str:
    """`Đổi mới giáo dục` -> `doi-moi-giao-duc`; never empty."""
    # text-unidecode maps đ/Đ to d/D like every other Vietnamese letter.
    return _slugify(text, max_length=MAX_SLUG_LENGTH, word_boundary=True) or "bai-viet"


def strip_diacritics(text: str) -> str:
    """`Quyết định` -> `Quyet dinh` (case kept)."""
    decomposed = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    return unicodedata.normalize(
        "NFC", "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    )


def fold(text: str) -> str:
    """Lower case without diacritics, for search: `Hướng Dẫn` -> `huong dan`."""
    return " ".join(strip_diacritics(text).lower().split())
