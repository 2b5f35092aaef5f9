"""GET /admin/stats/live/stream (the staff panel's Server-Sent Events) and its JSON twin.

Staff only: an anonymous request gets the login page (a redirect) or a 401, never data.
The stream takes none of the readers' slots and keeps nobody online; it is bounded per
process and per user (app/stats/hub.py, StaffTopic), and checks every STAFF_RECHECK seconds
that the user's session still lives, so a logout or the idle timeout ends it. Neither
route is activity for the idle timeout (app/auth/activity.py: streams and JSON never are).
"""

from __future__ import annotations

from functools import partial

from flask import Blueprint, Flask, Response, current_app, jsonify, request
from flask_login import current_user

from app.auth.policies import staff_required
from app.extensions import db
from app.stats import live_panel
from app.stats.hub import VISITOR_SHARE, client_gone, encode_staff_frame
from app.stats.routes import refused
from app.stats.services import get_service

bp = Blueprint("stats_live", __name__, url_prefix="/admin/stats/live")

RETRY_MS = 3000
OPENING = f"retry: {RETRY_MS}\n\n".encode()
BUSY_BODY = b"retry: 30000\n\n: busy\n\n"
STREAM_HEADERS = {"Cache-Control": "no-cache, no-store", "X-Accel-Buffering": "no"}
REFUSALS = {
    VISITOR_SHARE: (429, "30", "Bạn đang mở bảng trực tiếp ở quá nhiều thẻ; số liệu vẫn "
                    "được cập nhật định kỳ."),
}  # fmt: skip
BUSY = (503, "10", "Máy chủ đang bận, số liệu vẫn được cập nhật định kỳ.")
UNAVAILABLE = "Chưa đọc được số liệu trực tiếp (Redis không trả lời)."


def _unavailable() -> Response:
    response = jsonify(error=503, message=UNAVAILABLE)
    response.status_code = 503
    response.headers["Retry-After"] = "5"
    response.headers["Cache-Control"] = "no-store"
    return response


def _session_check(app: Flask, token: str):
    """A function that says whether the session `token` still lives (run in the stream,
    outside the request)."""
    from app.auth.operations import load_session

    def alive() -> bool:
        with app.app_context():
            try:
                return load_session(token) is not None
            finally:
                db.session.remove()

    return alive


@bp.get("/live.json")
@staff_required
def panel_json():
    panel = live_panel.current_panel()
    if panel is None:
        return _unavailable()
    response = jsonify(panel)
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/stream")
@staff_required
def stream():
    # HEAD: the headers a GET would get, and no stream (so no slot: the body never runs).
    if request.method == "HEAD":
        return Response(b"", mimetype="text/event-stream", headers=STREAM_HEADERS)
    runner = current_app.extensions["stats_runner"]
    staff = runner.hub.staff
    user = f"u:{current_user.id}"
    reason = staff.refusal(user)
    if reason:
        return refused(reason, REFUSALS, BUSY)
    runner.ensure_started()
    service = get_service()
    # Noted before the first frame is built: a panel published meanwhile is sent after it,
    # never taken as already seen.
    version = staff.version
    panel = live_panel.current_panel()
    if panel is None:
        return _unavailable()
    live_panel.watch(service)  # the job publishes from its next run, not after a tick
    first = encode_staff_frame(live_panel.encode(panel))
    heartbeat = float(current_app.config["STATS_STREAM_HEARTBEAT"])
    sock = request.environ.get("gunicorn.socket")
    gone = partial(client_gone, sock) if sock is not None else None
    alive = _session_check(current_app._get_current_object(), current_user.get_id() or "")
    db.session.remove()  # the stream needs neither the request nor the database
    body = staff.serve(user, first, version, heartbeat, opening=OPENING, busy=BUSY_BODY,
                       gone=gone, allowed=alive)  # fmt: skip
    return Response(body, mimetype="text/event-stream", headers=STREAM_HEADERS,
                    direct_passthrough=True)  # fmt: skip


@bp.app_template_global("live_panel_now")
def live_panel_now() -> dict | None:
    """The panel as it is now, for the page that includes stats/admin/_live.html."""
    return live_panel.current_panel()
