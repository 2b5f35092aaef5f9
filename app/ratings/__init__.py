"""Readers' 1-5 star ratings of articles: one vote per visitor per article."""

from flask import Flask


def init_app(app: Flask) -> None:
    """Registers the rating part of the article page and the voting route."""


__all__ = ["init_app"]
