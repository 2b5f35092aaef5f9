"""Operations: request ids and structured (JSON) logs, Prometheus metrics, `flask stats`.

- request_id.py: the outermost WSGI layer; every request's id (X-Request-ID);
- logs.py, gunicorn_log.py: log lines with that id, plain or JSON (LOG_FORMAT);
- counts.py: this process's counts, in memory (page views, Redis errors);
- metrics.py: GET /metrics for METRICS_ALLOW or METRICS_TOKEN;
- state.py: the statistics' state from Redis, SQL and the spool (`flask stats`, /metrics);
- cli.py: `flask stats`.
"""

from __future__ import annotations

from flask import Flask

from app.observability import counts, logs, request_id


def init_app(app: Flask) -> None:
    """Register the request-id layer, the logging format, /metrics and the CLI."""
    from app.observability.cli import stats_command
    from app.observability.metrics import bp, check_config

    logs.configure(app.config["LOG_FORMAT"])
    check_config(app)
    # Outermost (the factory put the page cache, the Host check and ProxyFix in already):
    # the fast path's pages get an id too. An id a client sends is taken only from a proxy.
    app.wsgi_app = request_id.RequestIds(
        app.wsgi_app, bool(app.config["TRUSTED_PROXIES"]), counts.note_page_view
    )
    app.add_template_global(request_id.current, "request_id")
    app.register_blueprint(bp)
    app.cli.add_command(stats_command)


def start_worker(app: Flask) -> None:
    """In a gunicorn worker, after fork: publish its metrics every second."""
    from app.observability.metrics import start_publisher

    start_publisher(app)


def stop_worker(app: Flask) -> None:
    """A stopping worker publishes its last counts."""
    from app.observability.metrics import publish_now

    publish_now(app)


__all__ = ["init_app", "start_worker", "stop_worker"]
