"""Where a menu item leads: the address of its category, page, document or outside URL."""

from __future__ import annotations

from urllib.parse import quote

from flask import url_for
from werkzeug.routing import BuildError

from app.blocks.operations import target_url_error
from app.menu.models import MenuKind

KIND_LABELS = {
    MenuKind.HOME: "Trang chủ",
    MenuKind.CATEGORY: "Chuyên mục tin",
    MenuKind.PAGE: "Trang tĩnh",
    MenuKind.DOCUMENTS: "Danh sách văn bản",
    MenuKind.DOCUMENT: "Một văn bản",
    MenuKind.URL: "Địa chỉ bên ngoài",
}


def url_error(url: str) -> str | None:
    """Why `url` may not be an outside link of the menu (Vietnamese), or None: an absolute
    http(s) address of a named host, the rule banners follow too."""
    return target_url_error(url)


def page_url(slug: str) -> str:
    """A static page's address; the pages feature's own route when it is there."""
    try:
        return url_for("pages.show", slug=slug)
    except BuildError:
        return "/trang/" + quote(slug, safe="")


def item_url(kind: MenuKind, target: str, categories: dict[int, str],
             documents: dict[int, str]) -> str | None:  # fmt: skip
    """The address of an item, or None when what it points to is gone (hidden from readers).
    `categories` and `documents` map ids to slugs (documents: published ones only)."""
    if kind == MenuKind.HOME:
        return url_for("news.home")
    if kind == MenuKind.DOCUMENTS:
        return url_for("documents.index")
    if kind == MenuKind.PAGE:
        return page_url(target) if target else None
    if kind == MenuKind.URL:
        return None if url_error(target) else target
    ref = int(target) if target.isdigit() else None
    if kind == MenuKind.CATEGORY and ref in categories:
        return url_for("news.category", slug=categories[ref])
    if kind == MenuKind.DOCUMENT and ref in documents:
        return url_for("documents.detail", slug=documents[ref])
    return None


__all__ = ["KIND_LABELS", "item_url", "page_url", "url_error"]
