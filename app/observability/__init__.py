"""Operations: request ids and structured (JSON) logs, Prometheus metrics, `flask stats`."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """Register the request-id hooks, the logging format, /metrics and the CLI."""
