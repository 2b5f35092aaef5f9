"""Live visitor statistics: counting in Redis, history in SQL, fan-out over SSE."""

from __future__ import annotations

from flask import Flask, current_app, g, request

from app.sidebar import POSITIONS, Block, register_block
from app.stats.hub import Hub
from app.stats.jobs import Runner
from app.stats.services import StatsService, buffered_views, get_service
from app.visitor import COOKIE_MAX_AGE, COOKIE_NAME


def track_page_view(
    item: str = "", page: bool = True, watch: tuple[str, ...] = (), base: int | None = None
):
    """Count the current request as a public page view; see StatsService.track_page_view."""
    return get_service().track_page_view(item, page=page, watch=watch, base=base)


def _block_context() -> dict:
    return {"stats": get_service().current()}


def _set_visitor_cookie(response):
    visitor = g.get("stats_visitor")
    # A new visitor, or one whose cookie was signed with a key now in SECRET_KEY_FALLBACKS.
    if visitor is not None and visitor.signed:
        response.set_cookie(
            COOKIE_NAME, visitor.signed, max_age=COOKIE_MAX_AGE, httponly=True,
            samesite="Lax", secure=request.is_secure,
        )  # fmt: skip
    return response


def _start_background():
    if current_app.config["STATS_BACKGROUND"]:
        current_app.extensions["stats_runner"].ensure_started()


def init_app(app: Flask) -> None:
    from app.stats.routes import bp

    service = StatsService(app)
    app.extensions["stats"] = service
    app.extensions["stats_runner"] = Runner(app, service, Hub())
    app.register_blueprint(bp)
    app.after_request(_set_visitor_cookie)
    app.before_request(_start_background)
    register_block(app, Block("stats", "stats/block.html", _block_context, POSITIONS["stats"]))
    app.add_template_global(lambda: get_service().current(), "stats_now")


__all__ = ["buffered_views", "init_app", "track_page_view"]
