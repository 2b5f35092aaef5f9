"""GET /admin/stats/live/stream (the staff panel's Server-Sent Events) and its JSON twin.

Owner: live panel engineer (issue 14).
"""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("stats_live", __name__, url_prefix="/admin/stats/live")
