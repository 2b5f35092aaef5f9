"""The statistics' site settings: the public page switch, the referrer blocklist.

Owner: agents/import engineer (issue 14).
"""

from __future__ import annotations

from flask import Flask


def declare_settings(app: Flask) -> None:
    """Declare the statistics' settings (app.settings.registry.declare)."""
