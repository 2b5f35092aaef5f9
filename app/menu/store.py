"""The menu readers see, built once per content version in each process.

Every page shows the menu, so it must cost nothing per request: the tree (with its links
resolved) is kept per process and keyed by the content version in Redis, which every commit
of a MenuItem, Category, Document or page bumps (they are PageContent). A counted page has
the version from its page view already; other pages read it once. Without Redis the tree is
read on every request that shows it, never served stale for long.
"""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass

from flask import Flask, current_app, url_for
from sqlalchemy import select

from app.documents.models import Document
from app.extensions import db
from app.menu.links import item_url
from app.menu.models import MAX_DEPTH, MenuItem, MenuKind
from app.menu.queries import published_page_slugs, target_ids, values_by_id
from app.news.models import Category
from app.page_cache import ContentVersion

log = logging.getLogger(__name__)

# The longest a process keeps one menu: a version bump Redis missed heals within it.
MAX_AGE_SECONDS = 30.0


@dataclass(frozen=True)
class Link:
    """One entry of the menu as readers see it."""

    label: str
    url: str
    new_tab: bool = False
    children: tuple[Link, ...] = ()


class MenuCache:
    def __init__(self) -> None:
        self.version: str | None = None
        self.links: tuple[Link, ...] = ()
        self.loaded_at = 0.0
        self.content_version = ContentVersion("menu")
        self.lock = threading.Lock()


def _cache(app: Flask) -> MenuCache:
    return app.extensions.setdefault("menu_cache", MenuCache())


def _default_menu() -> tuple[Link, ...]:
    """With no item in the menu: Trang chủ, the top categories (their sub-categories as
    dropdowns), Văn bản."""
    rows = db.session.execute(
        select(Category.id, Category.name, Category.slug, Category.parent_id).order_by(
            Category.position, Category.id
        )
    ).all()
    below: dict[int | None, list] = {}
    for row in rows:
        below.setdefault(row.parent_id, []).append(row)

    def branch(parent_id: int | None, depth: int) -> tuple[Link, ...]:
        return tuple(
            Link(row.name, url_for("news.category", slug=row.slug),
                 children=branch(row.id, depth + 1) if depth < MAX_DEPTH else ())
            for row in below.get(parent_id, ())
        )  # fmt: skip

    return (
        Link("Trang chủ", url_for("news.home")),
        *branch(None, 0),
        Link("Văn bản", url_for("documents.index")),
    )


def load() -> tuple[Link, ...]:
    """The menu from the database: the saved items' tree, or the default one."""
    items = list(db.session.scalars(select(MenuItem).order_by(MenuItem.position, MenuItem.id)))
    if not items:
        return _default_menu()
    wanted = target_ids(items)
    categories = values_by_id(Category, Category.slug, wanted[MenuKind.CATEGORY])
    pages = published_page_slugs(items)
    documents = values_by_id(
        Document, Document.slug, wanted[MenuKind.DOCUMENT], Document.published.is_(True)
    )
    below: dict[int | None, list[MenuItem]] = {}
    for item in items:
        below.setdefault(item.parent_id, []).append(item)

    # Walked from the top: an item under a missing parent, or in a cycle, is never reached.
    def branch(parent_id: int | None, depth: int) -> tuple[Link, ...]:
        links = []
        for item in below.get(parent_id, ()):
            kind = MenuKind(item.kind)
            if kind == MenuKind.PAGE and item.target not in pages:
                continue
            url = item_url(kind, item.target, categories, documents)
            if url is not None:
                children = branch(item.id, depth + 1) if depth < MAX_DEPTH else ()
                links.append(Link(item.label, url, item.new_tab, children))
        return tuple(links)

    return branch(None, 0)


def main_menu() -> tuple[Link, ...]:
    """The menu for this request, from the process's cache while the content version holds."""
    cache = _cache(current_app._get_current_object())
    version = cache.content_version.read()
    fresh = time.monotonic() - cache.loaded_at < MAX_AGE_SECONDS
    if version is not None and version == cache.version and fresh:
        return cache.links
    links = load()
    if version is not None:
        with cache.lock:
            cache.version, cache.links, cache.loaded_at = version, links, time.monotonic()
    return links


def forget() -> None:
    """Drop this process's menu (after a save: the next request reads it again)."""
    cache = _cache(current_app._get_current_object())
    with cache.lock:
        cache.version, cache.links = None, ()


__all__ = ["Link", "forget", "load", "main_menu"]
