"""The site's colours as a stylesheet of CSS custom properties that site.css uses.

Served at /giao-dien/<version>.css, the version a hash of the stylesheet itself: pages link
the version their settings make (a settings change makes cached pages stale, so they link
the new one), and browsers keep each version for a year. An old version asked for (a page
from before the change, still open) gets today's colours, cached briefly.
"""

from __future__ import annotations

import hashlib

from flask import Blueprint, current_app, url_for

from app.settings.colors import darker, tint
from app.settings.identity import SiteIdentity, identity

bp = Blueprint("site_theme", __name__)

YEAR = 365 * 24 * 3600


def stylesheet(site: SiteIdentity) -> str:
    # Colours were checked on save (#rrggbb only), so nothing else can reach the CSS.
    header, link = site.header_color, site.link_color
    return (
        ":root{"
        f"--brand:{header};--brand-dark:{darker(header)};"
        f"--blue:{link};--blue-dark:{darker(link)};--blue-light:{tint(link)}"
        "}\n"
    )


def version_of(css: str) -> str:
    return hashlib.sha256(css.encode()).hexdigest()[:16]


def theme_url(site: SiteIdentity) -> str:
    return url_for("site_theme.css", version=version_of(stylesheet(site)))


@bp.get("/giao-dien/<version>.css")
def css(version: str):
    body = stylesheet(identity())
    response = current_app.response_class(body, mimetype="text/css")
    if version == version_of(body):
        response.headers["Cache-Control"] = f"public, max-age={YEAR}, immutable"
    else:
        response.headers["Cache-Control"] = "public, max-age=60"
    return response


__all__ = ["bp", "stylesheet", "theme_url", "version_of"]
