"""The site's colours as a stylesheet of CSS custom properties that site.css uses.

Served at /giao-dien/<version>.css, the version a hash of the stylesheet itself: pages link
the version their settings make (a settings change makes cached pages stale, so they link
the new one), and browsers keep each version for a year. An old version asked for (a page
from before the change, still open) gets today's colours, cached briefly.
"""

from __future__ import annotations

import hashlib

from flask import Blueprint, current_app

from app.settings.colors import darker, tint
from app.settings.identity import SiteIdentity, identity
from app.settings.store import current_values

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


# The identity and stylesheet version made from one dict of values (the settings store keeps
# the same dict while the settings do not change), so a render does not rebuild them.
_made: tuple[object, SiteIdentity, str] | None = None


def site_and_version() -> tuple[SiteIdentity, str]:
    """The site's identity and its stylesheet's version, for the current settings."""
    global _made
    values = current_values()
    made = _made
    if made is None or made[0] is not values:
        site = identity()
        made = _made = (values, site, version_of(stylesheet(site)))
    return made[1], made[2]


@bp.get("/giao-dien/<version>.css")
def css(version: str):
    body = stylesheet(identity())
    response = current_app.response_class(body, mimetype="text/css")
    if version == version_of(body):
        response.headers["Cache-Control"] = f"public, max-age={YEAR}, immutable"
    else:
        response.headers["Cache-Control"] = "public, max-age=60"
    return response


__all__ = ["bp", "site_and_version", "stylesheet", "version_of"]
