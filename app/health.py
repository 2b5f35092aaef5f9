"""GET /healthz: is the database reachable, is Redis reachable."""

from __future__ import annotations

from flask import Blueprint, jsonify
from sqlalchemy import text

from app.extensions import db, redis_store

bp = Blueprint("health", __name__)


@bp.get("/healthz")
def healthz():
    status = {"db": "ok", "redis": "ok"}
    try:
        db.session.execute(text("SELECT 1"))
    except Exception:  # any driver error means the database is unusable
        db.session.rollback()
        status["db"] = "down"
    try:
        redis_store.client.ping()
    except Exception:  # connection, timeout, or the embedded server failing to start
        status["redis"] = "down"
    code = 200 if all(v == "ok" for v in status.values()) else 503
    response = jsonify(status)
    response.status_code = code
    response.headers["Cache-Control"] = "no-store"
    return response
