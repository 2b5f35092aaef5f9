"""Statistics reports under /admin/stats/: charts and tables, CSV export of each table.

Owner: reports engineer (issue 14).
"""

from __future__ import annotations

from flask import Blueprint, Flask, render_template

from app.admin_menu import NavItem, register_nav
from app.auth.policies import staff_required

bp = Blueprint("stats_admin", __name__, url_prefix="/admin/stats")


@bp.get("/")
@staff_required
def overview():
    return render_template("stats/admin/overview.html")


def init_admin(app: Flask) -> None:
    app.register_blueprint(bp)
    register_nav(app, NavItem("Thống kê", "stats_admin.overview", 80))
