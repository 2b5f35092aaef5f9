"""Readers' comments on articles ("Ý kiến bạn đọc") and their moderation."""

from flask import Flask


def init_app(app: Flask) -> None:
    """Registers the comments part of the article page, the posting route and the queue."""


__all__ = ["init_app"]
