"""History import: the per-day totals of a migrated site, loaded from CSV (admin page
/admin/stats/import and `flask import-stats-history FILE`), so charts start before the switch.

Owner: agents/import engineer (issue 14).
"""

from __future__ import annotations

from flask import Blueprint, Flask

bp = Blueprint("stats_history", __name__, url_prefix="/admin/stats/import")


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
