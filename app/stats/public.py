"""The optional public statistics page /thong-ke/ (NukeViet's style), switched on in the
settings ("stats_public_page"); 404 while it is off.

Owner: reports engineer (issue 14).
"""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("stats_public", __name__)
