"""Public document pages: list with filters, detail, download and PDF preview."""

from __future__ import annotations

from urllib.parse import quote

from flask import Blueprint, abort, current_app, render_template, request, send_file

from app import feeds
from app import page_view as page_views
from app.converters import page_number
from app.dates import to_local, utcnow
from app.documents import files, filters, queries
from app.extensions import db
from app.page_cache import cached_page, reader_page
from app.page_view import PageView, item_key
from app.site_url import absolute_url
from app.slugs import strip_diacritics
from app.stats import count_page_view

bp = Blueprint("documents", __name__, url_prefix="/van-ban")

FEED_SIZE = 20
SITEMAP_SIZE = 5000


def local_today():
    return to_local(utcnow()).date()


def _page() -> int:
    return page_number()  # malformed or absurd: 400; 0 or past the last page: 404


@bp.get("/")
@reader_page
def index(page_view: PageView):
    chosen = filters.parse(request.args)
    page = _page()
    today = local_today()
    pagination = db.paginate(
        filters.query(chosen, today),
        page=page,
        per_page=current_app.config["DOCUMENTS_PER_PAGE"],
        error_out=True,
    )
    count_page_view(page_view)
    return render_template(
        "documents/index.html",
        page_view=page_view,
        pagination=pagination,
        filters=chosen,
        today=today,
        statuses=filters.STATUSES,
        **queries.filter_choices(),
    )


@bp.get("/<slug>")
@cached_page
def detail(slug: str, page_view: PageView):
    document = queries.by_slug(slug) or abort(404)
    views_key = item_key("document", document.id)
    downloads_key = item_key("document_download", document.id)
    count_page_view(page_view, views_key, watch=(views_key, downloads_key), base=document.views)
    older, newer, related = queries.public_relations(document)
    return render_template(
        "documents/detail.html",
        page_view=page_view,
        document=document,
        views=page_view.count_of(views_key, document.views),
        downloads=page_view.count_of(downloads_key, document.downloads),
        older=older,
        newer=newer,
        related=related,
        today=local_today(),
    )


@bp.get("/feed.xml")
def feed():
    return feeds.rss("documents/feed.xml", documents=queries.newest(FEED_SIZE))


def _sitemap_entries() -> list:
    """The documents list and every published document's page, for /sitemap.xml."""
    entries = [(absolute_url("documents.index"), None)]
    entries += [(absolute_url("documents.detail", slug=d.slug), d.updated_at)
                for d in queries.newest(SITEMAP_SIZE)]  # fmt: skip
    return entries


@bp.record_once
def _register_sitemap(state) -> None:
    feeds.add_sitemap_section(state.app, _sitemap_entries)


def content_disposition(kind: str, filename: str) -> str:
    """RFC 6266: an ASCII fallback name, and the real name as RFC 5987 UTF-8."""
    fallback = strip_diacritics(filename).encode("ascii", "ignore").decode()
    fallback = "".join(ch if ch.isalnum() or ch in " .-_()" else "_" for ch in fallback)
    return f"{kind}; filename=\"{fallback}\"; filename*=UTF-8''{quote(filename, safe='')}"


def _send(file_id: int, inline: bool):
    attached = queries.file_by_id(file_id) or abort(404)
    if inline and not attached.is_pdf:
        abort(404)
    path = files.path_of(attached.stored_name)
    if not path.is_file():
        abort(404, description="Tệp đính kèm không còn tồn tại trên máy chủ.")
    if not inline:
        count_page_view(
            page_views.of(request._get_current_object()),
            item_key("document_download", attached.document_id),
            page=False,
        )
    response = send_file(
        path,
        mimetype=attached.content_type,
        as_attachment=True,
        download_name=attached.original_name,
        conditional=True,
        max_age=0,
    )
    # Never shown by the browser itself, the preview included: Chromium's PDF viewer runs
    # the document's JavaScript (/OpenAction) even under a CSP sandbox. The preview is data
    # that pdf.js (static/js/pdf-preview.js) fetches and paints; a browser sent to its URL
    # saves the file instead.
    response.headers["Content-Disposition"] = content_disposition(
        "attachment", attached.original_name
    )
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "private, no-cache"
    response.headers["Content-Security-Policy"] = (
        "default-src 'none'; sandbox; frame-ancestors 'none'"
    )
    if inline:
        response.headers["Cross-Origin-Resource-Policy"] = "same-origin"
    return response


@bp.get("/tep/<int:file_id>")
def download(file_id: int):
    return _send(file_id, inline=False)


@bp.get("/tep/<int:file_id>/xem")
def preview(file_id: int):
    return _send(file_id, inline=True)
