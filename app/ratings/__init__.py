"""Readers' 1-5 star ratings of articles: one vote per visitor per article."""

from flask import Flask

from app.ratings import models  # noqa: F401 - the votes table, for the metadata


def init_app(app: Flask) -> None:
    """Registers the rating part of the article page and the voting route."""


__all__ = ["init_app"]
