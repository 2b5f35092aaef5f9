"""The portal's application factory."""

from __future__ import annotations

import logging
import os

from flask import Flask

from app import page_cache, proxies, security_headers, site_url
from app.config import load_config
from app.converters import register_converters
from app.db_sqlite import cooperative_sqlite
from app.extensions import csrf, db, migrate, redis_store
from app.input_guard import refuse_nul_bytes

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def create_app(config: dict | None = None) -> Flask:
    """Build the app: config, extensions, blueprints, template helpers, CLI."""
    app = Flask(
        __name__,
        instance_path=(config or {}).get("INSTANCE_PATH")
        or os.environ.get("INSTANCE_PATH")
        or os.path.join(ROOT, "instance"),
        instance_relative_config=True,
        template_folder=os.path.join(ROOT, "templates"),
        static_folder=os.path.join(ROOT, "static"),
    )
    load_config(app, config)
    page_cache.wrap_wsgi(app)  # innermost: the Host check and ProxyFix wrap the fast path
    site_url.init_app(app)  # before ProxyFix: the Host check sees the forwarded host
    proxies.trust_proxies(app)
    logging.basicConfig(level=app.config.get("LOG_LEVEL", "INFO"))

    cooperative_sqlite(app)  # before db.init_app: the engine is built from its options
    db.init_app(app)
    migrate.init_app(app, db, directory=os.path.join(ROOT, "migrations"))
    csrf.init_app(app)
    redis_store.init_app(app)
    security_headers.init_app(app)

    register_converters(app)  # before any route: <int:...> is a bounded record id
    app.before_request(refuse_nul_bytes)  # no NUL in paths, queries, forms (PostgreSQL)
    register_blueprints(app)
    register_template_helpers(app)
    register_cli(app)
    proxies.guard(app)  # outermost: only the configured proxies' forwarded headers get in
    return app


def register_blueprints(app: Flask) -> None:
    """Each feature's init_app registers its public and admin blueprints and its hooks.

    Features declare through neutral registries (app.sidebar, app.admin_menu,
    app.live_counters), so none needs another initialised first; the order below is kept
    because it orders the request hooks.
    """
    from app import (
        admin,
        auth,
        blocks,
        comments,
        documents,
        errors,
        health,
        media,
        media_library,
        menu,
        news,
        nukeviet,
        observability,
        page_cache,
        pages,
        portability,
        ratings,
        reader_forms,
        search,
        settings,
        stats,
    )

    observability.init_app(app)  # first: every request has its id before other hooks log
    app.register_blueprint(errors.bp)
    app.register_blueprint(health.bp)
    app.register_blueprint(media.bp)
    blocks.init_app(app)
    stats.init_app(app)
    news.init_app(app)
    documents.init_app(app)
    reader_forms.init_app(app)
    settings.init_app(app)
    ratings.init_app(app)
    comments.init_app(app)
    search.init_app(app)
    media_library.init_app(app)
    pages.init_app(app)
    menu.init_app(app)
    auth.init_app(app)
    admin.init_app(app)
    portability.init_app(app)
    nukeviet.init_app(app)
    page_cache.init_app(app)


def register_template_helpers(app: Flask) -> None:
    from app import dates, media

    app.add_template_filter(media.thumbnail_or_image, "thumb")
    app.add_template_filter(dates.format_long, "long_datetime")
    app.add_template_filter(dates.format_date, "date")
    app.add_template_filter(dates.format_datetime, "datetime")

    @app.context_processor
    def site():
        from app.settings import template_context

        return template_context()  # site_name (a setting; SITE_NAME by default), site, theme


def register_cli(app: Flask) -> None:
    from app.demo.cli import seed_demo

    app.cli.add_command(seed_demo)
