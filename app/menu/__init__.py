"""The main menu: an editable, nested list of links to categories, pages, documents and outside URLs."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """Registers this feature's blueprints and hooks (filled in by the feature)."""


__all__ = ["init_app"]
