"""GET /api/stats and GET /stats/stream (Server-Sent Events)."""

from __future__ import annotations

from functools import partial

from flask import Blueprint, Response, current_app, jsonify, request

from app.extensions import db
from app.stats.hub import (
    ADDRESS_SHARE,
    VISITOR_SHARE,
    StreamClient,
    StreamLimits,
    client_gone,
    direct_framing,
    initial_frame,
    stream_cap,
)
from app.stats.services import get_service
from app.visitor import address_key, fallback_id, stream_identity, user_agent_of

bp = Blueprint("stats", __name__)

RETRY_MS = 3000
OPENING = f"retry: {RETRY_MS}\n\n".encode()
# A stream that lost the race for the last slot tells the browser to come back later.
BUSY_RETRY_MS = 30000
BUSY_BODY = f"retry: {BUSY_RETRY_MS}\n\n: busy\n\n".encode()
STREAM_HEADERS = {"Cache-Control": "no-cache, no-store", "X-Accel-Buffering": "no"}
REFUSALS = {
    ADDRESS_SHARE: (429, "60", "Địa chỉ mạng của bạn đang mở quá nhiều kết nối thống kê trực "
                    "tiếp. Số liệu vẫn được cập nhật định kỳ; vui lòng thử lại sau."),
    VISITOR_SHARE: (429, "60", "Trình duyệt của bạn đang mở quá nhiều kết nối thống kê trực "
                    "tiếp. Số liệu vẫn được cập nhật định kỳ; vui lòng thử lại sau."),
}  # fmt: skip
BUSY = (503, "10", "Máy chủ đang bận, vui lòng thử lại sau.")


@bp.get("/api/stats")
def api_stats():
    snapshot = get_service().current()
    response = jsonify(snapshot.as_dict())
    response.headers["Cache-Control"] = "no-store"
    return response


def stream_limits() -> StreamLimits:
    config = current_app.config
    return StreamLimits(
        total=stream_cap(int(config.get("STATS_STREAM_CAP") or 0)),
        per_address=int(config.get("STATS_STREAM_PER_IP") or 0),
        per_visitor=int(config.get("STATS_STREAM_PER_VISITOR") or 0),
    )


def stream_client() -> StreamClient:
    """Who is asking for a stream: only a signed cookie names a visitor (and keeps it
    online); without one, the IP+UA hash stands for the visitor, as in counting."""
    address = request.remote_addr or ""
    member = stream_identity(request)
    if member:
        visitor = "c:" + member
    else:
        service = get_service()
        day = service.store.day_key(service.clock())
        visitor = fallback_id(current_app.secret_key, day, address, user_agent_of(request))
    return StreamClient(member, visitor, address_key(address))


def refused(reason: str, refusals: dict | None = None, busy: tuple | None = None) -> Response:
    """The JSON answer to a stream refused for `reason` (hub's ADDRESS_SHARE, ...): its
    status, Retry-After and message from `refusals` (these streams' REFUSALS by default),
    else `busy` (503)."""
    table = REFUSALS if refusals is None else refusals
    status, retry_after, message = table.get(reason, BUSY if busy is None else busy)
    response = jsonify(error=status, message=message)
    response.status_code = status
    response.headers["Retry-After"] = retry_after
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/stats/stream")
def stream():
    # HEAD: the headers a GET would get, and no stream (so no slot: the body never runs).
    if request.method == "HEAD":
        return Response(b"", mimetype="text/event-stream", headers=STREAM_HEADERS)
    service = get_service()
    runner = current_app.extensions["stats_runner"]
    hub = runner.hub
    runner.ensure_started()
    client = stream_client()
    limits = stream_limits()
    # gunicorn hands us the connection: lets the hub see a client that left (None elsewhere).
    sock = request.environ.get("gunicorn.socket")
    gone = partial(client_gone, sock) if sock is not None else None
    # Under gunicorn's gevent workers the hub writes the messages to the socket itself.
    chunked = direct_framing(request.environ)
    reason = hub.refusal(client, limits)
    if reason:
        return refused(reason)
    version = hub.version
    heartbeat = float(current_app.config["STATS_STREAM_HEARTBEAT"])
    # The subscribed hub holds the newest numbers already: a reconnect storm after a deploy
    # then costs Redis nothing. Before the first message, ask Redis (or the last known).
    first = hub.frame if hub.connected.is_set() and hub.frame else None
    if first is None:
        first = initial_frame(service.current().as_dict())
    # The stream needs neither the request nor the database: release the session now and
    # keep no app context alive per client (memory per connection is the limit at 10k).
    db.session.remove()

    body = hub.serve(client, limits, first, version, heartbeat, gone, sock, chunked,
                     OPENING, BUSY_BODY)  # fmt: skip
    # The server iterates the generator itself: no wrapper levels, and the Response object
    # is not kept for the life of the stream.
    return Response(body, mimetype="text/event-stream", headers=STREAM_HEADERS,
                    direct_passthrough=True)  # fmt: skip
