"""Official documents: list, filters, detail pages, files, and the "Văn bản mới" block."""

from __future__ import annotations

from flask import Flask, current_app, has_app_context, request, url_for

from app.documents.models import Document
from app.documents.queries import NewestIds, newest, recently_issued
from app.documents.routes import bp, local_today
from app.live_counters import add_watch_provider, register_counter, register_report_item
from app.page_view import PageView, item_key
from app.sidebar import POSITIONS, Block, register_block


def _watched(app: Flask, cache: NewestIds):
    last: list = [None, []]  # the ids list last seen, and its items (the same list back)

    def provider() -> list[str]:
        limit = app.config["DOCUMENTS_SIDEBAR_COUNT"]
        if cache.fresh() or has_app_context():
            ids = cache.get(limit)
        else:  # the page cache's fast path runs without an app context; the query needs one
            with app.app_context():
                ids = cache.get(limit)
        if ids is not last[0]:
            kinds = ("document", "document_download")
            last[:] = [ids, [item_key(kind, i) for i in ids for kind in kinds]]
        return last[1]

    return provider


def _block_context(page_view: PageView | None) -> dict | None:
    documents = newest(current_app.config["DOCUMENTS_SIDEBAR_COUNT"])
    if not documents:
        return None
    view = page_view or PageView(request)  # no page view: the numbers SQL has
    today = local_today()
    rows = [
        {
            "document": d,
            "views": view.count_of(item_key("document", d.id), d.views),
            "downloads": view.count_of(item_key("document_download", d.id), d.downloads),
            "is_new": recently_issued(d, today, current_app.config["DOCUMENTS_NEW_DAYS"]),
        }
        for d in documents
    ]
    return {"rows": rows, "summary_length": current_app.config["DOCUMENTS_SUMMARY_LENGTH"]}


def _document_url(document: Document) -> str:
    return url_for("documents.detail", slug=document.slug)


def init_app(app: Flask) -> None:
    from app.documents import admin

    app.register_blueprint(bp)
    admin.init_admin(app)
    register_counter(app, "document", Document, "views")
    register_counter(app, "document_download", Document, "downloads")
    for kind, label in (("document", "Văn bản"), ("document_download", "Lượt tải văn bản")):
        register_report_item(app, kind, label, url=_document_url)
    cache = NewestIds()
    app.extensions["documents_newest"] = cache
    add_watch_provider(app, _watched(app, cache))
    register_block(
        app,
        Block("new_documents", "documents/block.html", _block_context, POSITIONS["new_documents"]),
    )


__all__ = ["bp", "init_app"]
