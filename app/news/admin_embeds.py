"""Video embeds for the body editor: TinyMCE's media dialog sends the address an editor typed
(`media_url_resolver` in static/js/article-editor.js), the server answers the iframe it builds
from it (app/embeds.py), or a Vietnamese refusal. Staff only, CSRF-protected."""

from __future__ import annotations

from flask import Blueprint, Flask, jsonify, request

from app import embeds
from app.auth.policies import staff_required
from app.html_sanitizer import editor_schema

bp = Blueprint("news_embeds", __name__, url_prefix="/admin/news")

REFUSED = (
    "Chỉ nhúng được video YouTube (youtube.com, youtu.be) hoặc video Facebook. "
    "Hãy dán đường dẫn của trang video."
)


@bp.post("/embed")
@staff_required
def embed():
    """`{"url": …}` → `{"html": <iframe…>}`; 400 with `{"error": …}` for anything else."""
    data = request.get_json(silent=True)
    url = data.get("url") if isinstance(data, dict) else request.form.get("url")
    if not isinstance(url, str) or not url.strip():
        return jsonify(error="Chưa nhập đường dẫn video."), 400
    found = embeds.from_url(url)
    if found is None:
        return jsonify(error=REFUSED), 400
    return jsonify(html=found.html(), provider=found.provider, src=found.src)


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
    app.add_template_global(editor_schema, "body_editor_schema")
