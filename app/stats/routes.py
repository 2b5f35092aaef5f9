"""GET /api/stats and GET /stats/stream (Server-Sent Events)."""

from __future__ import annotations

from flask import Blueprint, Response, current_app, jsonify, request

from app.extensions import db
from app.stats.hub import initial_frame
from app.stats.services import get_service
from app.stats.visitor import stream_identity

bp = Blueprint("stats", __name__)

RETRY_MS = 3000


@bp.get("/api/stats")
def api_stats():
    snapshot = get_service().current()
    response = jsonify(snapshot.as_dict())
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/stats/stream")
def stream():
    service = get_service()
    runner = current_app.extensions["stats_runner"]
    hub = runner.hub
    runner.ensure_started()
    visitor = stream_identity(request)
    if hub.closing or not hub.try_connect(visitor, current_app.config["STATS_STREAM_CAP"]):
        response = jsonify(error=503, message="Máy chủ đang bận, vui lòng thử lại sau.")
        response.status_code = 503
        response.headers["Retry-After"] = "10"
        return response
    version = hub.version
    heartbeat = float(current_app.config["STATS_STREAM_HEARTBEAT"])
    # The subscribed hub holds the newest numbers already: a reconnect storm after a deploy
    # then costs Redis nothing. Before the first message, ask Redis (or the last known).
    first = hub.frame if hub.connected.is_set() and hub.frame else None
    if first is None:
        try:
            first = initial_frame(service.current().as_dict())
        except Exception:
            hub.disconnect(visitor)
            raise
    # The stream needs neither the request nor the database: release the session now and
    # keep no app context alive per client (memory per connection is the limit at 10k).
    db.session.remove()

    def events():
        try:
            yield f"retry: {RETRY_MS}\n\n".encode() + first
            seen = version
            while not hub.closing:
                if hub.wait(seen, heartbeat):
                    if hub.closing:
                        break
                    seen = hub.version
                    yield hub.frame
                else:
                    yield b": ping\n\n"
        finally:
            hub.disconnect(visitor)

    return Response(
        events(),
        mimetype="text/event-stream",
        headers={"Cache-Control": "no-cache, no-store", "X-Accel-Buffering": "no"},
    )
