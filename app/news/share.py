"""The article's share links (Facebook, Zalo, copy link) and its print link: an article part.

No third-party script: plain links to the networks' share pages, a static script for the
copy button (static/js/share.js). The shared address is the article's absolute URL on
SITE_URL, never the request's Host (the page is cached and served to everyone); without
SITE_URL it is the per-response origin blank of app/site_url.py.
"""

from __future__ import annotations

from urllib.parse import quote

from flask import Flask, url_for
from markupsafe import Markup, escape

from app import page_cache
from app.news.article_parts import POSITIONS, ArticlePart, register_part
from app.page_view import PageView
from app.site_url import absolute_url, site_origin

FACEBOOK = "https://www.facebook.com/sharer/sharer.php?u="
# Zalo documents only its SDK's button (a script from sp.zalo.me); this is the page that
# button opens, which also works as a plain link on phones and computers.
ZALO = "https://sp.zalo.me/share_inline?url="


def encoded_url(endpoint: str, **values) -> Markup:
    """The absolute URL of `endpoint`, percent-encoded to be one query parameter's value."""
    path = url_for(endpoint, **values)
    origin = site_origin()
    if origin:
        return escape(quote(origin + path, safe=""))
    # The origin is a per-response blank: it stays unencoded (`:` and `/` are allowed in a
    # query), the path is encoded.
    return page_cache.per_request("origin") + quote(path, safe="")


def _context(article, page_view: PageView) -> dict:
    target = encoded_url("news.article", slug=article.slug)
    return {
        "url": absolute_url("news.article", slug=article.slug),
        "facebook": FACEBOOK + target,
        "zalo": ZALO + target,
    }


def init_app(app: Flask) -> None:
    register_part(app, ArticlePart("share", "news/_share.html", _context, POSITIONS["share"]))
