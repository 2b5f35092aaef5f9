"""The search page: /tim-kiem?q=… (a reader's page, counted, never cached)."""

from __future__ import annotations

from flask import Blueprint, abort, render_template, request

from app.converters import BAD_PAGE, page_number
from app.news import queries as news_queries
from app.page_cache import reader_page
from app.page_view import PageView
from app.search import queries
from app.stats import count_page_view

bp = Blueprint("search", __name__)


@bp.get("/tim-kiem")
@reader_page
def search(page_view: PageView):
    asked = queries.parse(request.args)
    page = page_number("trang")  # malformed: 400; 0 or past the last page: 404
    if page > queries.MAX_PAGE:
        abort(400, description=BAD_PAGE)
    results = queries.run(asked, page)
    count_page_view(page_view)
    return render_template(
        "search/results.html",
        page_view=page_view,
        search=asked,
        results=results,
        kinds=queries.KINDS,
        categories=news_queries.category_tree(),
    )
