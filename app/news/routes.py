"""Public news pages. Views stay thin: queries in queries.py, writes in services.py."""

from __future__ import annotations

from flask import (
    Blueprint,
    abort,
    current_app,
    redirect,
    render_template,
    send_from_directory,
    url_for,
)

from app import feeds
from app.converters import page_number
from app.dates import utcnow
from app.extensions import db
from app.news import queries
from app.news.article_parts import render_parts, watched
from app.news.models import Article
from app.page_cache import cached_page
from app.page_view import PageView, item_key
from app.stats import count_page_view

bp = Blueprint("news", __name__)

FAVICON_MAX_AGE = 30 * 24 * 3600


def _page() -> int:
    return page_number()  # malformed or absurd: 400; 0 or past the last page: 404


def _page_key() -> int | None:
    """The page number as the cache key holds it: page 1 is the page without `?page=`."""
    page = _page()
    return None if page == 1 else page


@bp.get("/")
@cached_page
def home(page_view: PageView):
    count_page_view(page_view)
    return render_template("news/home.html", page_view=page_view, **queries.home_page())


@bp.get("/chuyen-muc/<slug>")
@cached_page(args={"page": _page_key})
def category(slug: str, page_view: PageView):
    category = queries.category_by_slug(slug) or abort(404)
    query = queries.in_categories(queries.visible_articles(), category.subtree_ids())
    pagination = db.paginate(
        query, page=_page(), per_page=current_app.config["ARTICLES_PER_PAGE"], error_out=True
    )
    count_page_view(page_view)
    return render_template(
        "news/category.html", page_view=page_view, category=category, pagination=pagination
    )


@bp.get("/tu-khoa/<slug>")
@cached_page(args={"page": _page_key})
def tag(slug: str, page_view: PageView):
    tag = queries.tag_by_slug(slug) or abort(404)
    query = queries.visible_articles().where(Article.tags.contains(tag))
    pagination = db.paginate(
        query, page=_page(), per_page=current_app.config["ARTICLES_PER_PAGE"], error_out=True
    )
    count_page_view(page_view)
    return render_template("news/tag.html", page_view=page_view, tag=tag, pagination=pagination)


def visible_article(slug: str) -> tuple[Article, bool]:
    """The article readers may see at `slug` (404 otherwise), and whether `slug` is one it
    had before (the caller redirects to its page at the new one)."""
    article, moved = queries.article_by_slug(slug)
    if article is None or not article.is_visible():
        abort(404)
    return article, moved


def readable_article(slug: str, endpoint: str):
    """The visible article at `slug` (404 otherwise), or a 301 to `endpoint` at its new slug
    when the slug is an old one: the article and its print view follow the same rules."""
    article, moved = visible_article(slug)
    if moved:
        return None, redirect(url_for(endpoint, slug=article.slug), 301)
    return article, None


@bp.get("/tin-tuc/<slug>")
@cached_page
def article(slug: str, page_view: PageView):
    article, moved = readable_article(slug, ".article")
    if moved is not None:
        return moved
    newer, older = queries.neighbours(article)
    key = item_key("article", article.id)
    count_page_view(page_view, key, watch=(key, *watched(article)), base=article.views)
    return render_template(
        "news/article.html",
        page_view=page_view,
        article=article,
        views=page_view.count_of(key, article.views),
        parts=render_parts(article, page_view),
        newer=newer,
        older=older,
    )


@bp.get("/tin-tuc/<slug>/in")
def print_article(slug: str):
    """The article on its own, for paper: no menu, sidebar or live numbers. Not a page view
    (as in NukeViet, only the article counts: a reader prints what they already opened)."""
    article, moved = readable_article(slug, ".print_article")
    if moved is not None:
        return moved
    response = current_app.make_response(
        render_template("news/print.html", article=article, printed_at=utcnow())
    )
    response.headers["X-Robots-Tag"] = "noindex"
    return response


@bp.get("/feed.xml")
def feed():
    return feeds.rss("news/feed.xml", articles=queries.latest(20))


@bp.get("/chuyen-muc/<slug>/feed.xml")
def category_feed(slug: str):
    category = queries.category_by_slug(slug) or abort(404)
    return feeds.rss("news/feed.xml", category=category,
                     articles=queries.latest_in(category, 20))  # fmt: skip


@bp.get("/sitemap.xml")
def sitemap():
    return feeds.xml(
        "news/sitemap.xml",
        categories=queries.all_categories(),
        articles=queries.latest(5000),
        sections=[section() for section in feeds.sitemap_sections(current_app)],
    )


@bp.get("/robots.txt")
def robots():
    body = render_template("news/robots.txt", disallowed=feeds.robots_disallowed())
    response = current_app.response_class(body, mimetype="text/plain")
    response.cache_control.public = True
    response.cache_control.max_age = 3600
    return response


@bp.get("/favicon.ico")
def favicon():
    return send_from_directory(
        current_app.static_folder,
        "favicon.ico",
        mimetype="image/vnd.microsoft.icon",
        max_age=FAVICON_MAX_AGE,
    )


@bp.app_context_processor
def navigation():
    """Top categories for the main menu of every page (evaluated only when used)."""
    return {"nav_categories": queries.top_categories}
