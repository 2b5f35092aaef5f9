"""Statistics reports under /admin/stats/: charts and tables, CSV export of each table.

Owner: reports engineer (issue 14).
"""

from __future__ import annotations

from flask import Blueprint, Flask

bp = Blueprint("stats_admin", __name__, url_prefix="/admin/stats")


def init_admin(app: Flask) -> None:
    app.register_blueprint(bp)
