"""One site search for articles and documents (/tim-kiem)."""

from flask import Flask


def init_app(app: Flask) -> None:
    """Registers the search page and keeps the index in step with every write."""


__all__ = ["init_app"]
