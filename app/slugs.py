"""Readable ASCII slugs from Vietnamese titles."""

from slugify import slugify as _slugify

MAX_SLUG_LENGTH = 120


def slugify(text: str) -> str:
    """`Đổi mới giáo dục` -> `doi-moi-giao-duc`; never empty."""
    # text-unidecode maps đ/Đ to d/D like every other Vietnamese letter.
    return _slugify(text, max_length=MAX_SLUG_LENGTH, word_boundary=True) or "bai-viet"
