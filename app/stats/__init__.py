"""Live visitor statistics: counting in Redis, history in SQL, fan-out over SSE."""

from __future__ import annotations

from flask import Flask, current_app
from werkzeug.datastructures import Headers
from werkzeug.http import dump_cookie
from werkzeug.wrappers import Request

from app import page_cache
from app.page_view import PageView, live_mean
from app.redis_keys import names
from app.sidebar import POSITIONS, Block, register_block
from app.stats import nchan
from app.stats.hub import Hub
from app.stats.jobs import Runner
from app.stats.services import StatsService, get_service
from app.stats.store import HitResult
from app.visitor import COOKIE_MAX_AGE, COOKIE_NAME


def count_page_view(view: PageView, item: str = "", **options) -> HitResult | None:
    """Count a reader's page view: StatsService.count (options `page`, `watch`, `base`)."""
    return get_service().count(view, item, **options)


def _block_context(view: PageView | None) -> dict:
    return {"stats": get_service().current(view)}


def visitor_cookie(app: Flask, headers: Headers, req: Request, view: PageView | None) -> None:
    """A new visitor, or one whose cookie was signed with a key now in SECRET_KEY_FALLBACKS,
    gets its (re)signed cookie."""
    visitor = view.visitor if view is not None else None
    if visitor is not None and visitor.signed:
        headers.add("Set-Cookie", dump_cookie(
            COOKIE_NAME, visitor.signed, max_age=COOKIE_MAX_AGE, httponly=True,
            samesite="Lax", secure=req.is_secure,
        ))  # fmt: skip


def _start_background():
    if current_app.config["STATS_BACKGROUND"]:
        current_app.extensions["stats_runner"].ensure_started()


def init_app(app: Flask) -> None:
    from app.stats import admin, history, live_routes, public, settings
    from app.stats.routes import bp

    service = StatsService(app)
    app.extensions["stats"] = service
    app.extensions["stats_runner"] = Runner(
        app, service, Hub(names(app).channel, names(app).key("staff_channel"))
    )
    nchan.init_app(app)  # STATS_NCHAN_PUBLISH_URL: nginx holds the streams
    app.register_blueprint(bp)
    admin.init_admin(app)  # /admin/stats/: reports
    app.register_blueprint(live_routes.bp)  # /admin/stats/live/: the staff's live panel
    history.init_app(app)  # /admin/stats/import, flask import-stats-history
    app.register_blueprint(public.bp)  # /thong-ke/ when the setting is on
    settings.declare_settings(app)
    page_cache.add_response_hook(app, visitor_cookie)
    page_cache.set_counter(app, lambda view, item, watch: service.count(view, item, watch=watch))
    app.before_request(_start_background)
    register_block(app, Block("stats", "stats/block.html", _block_context, POSITIONS["stats"]))
    app.add_template_global(lambda view=None: get_service().current(view), "stats_now")
    app.add_template_global(live_mean, "live_mean")


__all__ = ["count_page_view", "init_app"]
