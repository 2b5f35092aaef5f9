"""Public endpoints of the sidebar blocks: the counted redirect of banners and links."""

from __future__ import annotations

from flask import Blueprint, abort, redirect, request

from app.blocks.operations import count_click, is_http_url
from app.blocks.queries import clickable

bp = Blueprint("blocks", __name__)


@bp.get("/lien-ket/<int:banner_id>")
def click(banner_id: int):
    """Count the click, then go to the banner's stored address: no request parameter can
    choose the destination, so this is no open redirect."""
    banner = clickable(banner_id)
    # Checked again here: a row written outside the admin forms must not redirect elsewhere.
    if banner is None or not is_http_url(banner.target_url):
        abort(404)
    target = banner.target_url
    count_click(banner.id, request)
    response = redirect(target, 302)
    response.headers["Cache-Control"] = "no-store"
    response.headers["X-Robots-Tag"] = "noindex, nofollow"
    return response
