"""A reader's page view: the one object the view, the page cache, the statistics, the sidebar
blocks and the templates share for a request (docs/architecture.md, "Life of a page view").

It is made once per request, by the page cache's fast path (app.page_cache.CachedPages) or
by the `cached_page` decorator, kept in the WSGI environ (so the Flask path reuses a view
the fast path has already counted), and handed on explicitly: the view receives it as its
`page_view` argument, asks the statistics to count it, and passes it to its template, which
passes it to the sidebar and to the macros of `templates/_macros/live.html`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from flask import has_request_context, request
from markupsafe import Markup

if TYPE_CHECKING:
    from werkzeug.wrappers import Request

    from app.stats.store import HitResult, Snapshot
    from app.visitor import Visitor

ENVIRON_KEY = "portal.page_view"


def item_key(kind: str, item_id: int | str) -> str:
    """A live item counter's name, "kind:id" (`document:12`): the only place it is spelled."""
    return f"{kind}:{item_id}"


def format_count(value) -> str:
    """`10232037` -> `10,232,037`, as the original sites show counts."""
    return f"{int(value or 0):,}"


def marker(key: str) -> Markup:
    """A blank in a recorded page, filled per response (keys are [a-z_:0-9])."""
    return Markup(f"\x00{key}\x00")  # noqa: S704 - a fixed marker around [a-z_:0-9]


@dataclass(eq=False)
class PageView:
    """What one request of a reader's page counts and shows live."""

    request: Request
    item: str = ""  # the item this page counts as viewed ("article:12"), if any
    watch: tuple[str, ...] = ()  # more live item counters the page shows
    counted: bool = False  # the statistics were asked (once per request, whatever came)
    hit: HitResult | None = None  # Redis' answer; None when the view was spooled
    snapshot: Snapshot | None = None  # the numbers this response shows
    visitor: Visitor | None = None  # who it was counted for (a new one gets a cookie)
    pending: int = 0  # the counted item's views buffered in Redis, not in SQL yet
    recording: bool = False  # rendering a page for the cache: live numbers become blanks
    defaults: dict[str, str] = field(default_factory=dict)  # blanks' values when recorded

    @property
    def version(self) -> str:
        """The content version Redis returned with the hit ("" when not counted)."""
        return self.hit.version if self.hit is not None else ""

    def count_of(self, item: str, stored: int) -> int:
        """A live count for the page: Redis' live counter of `item`, else its SQL value
        (`stored`) plus, for the counted item, what Redis holds that SQL does not yet."""
        if self.snapshot is not None and item in self.snapshot.items:
            return self.snapshot.items[item]
        return int(stored or 0) + (self.pending if item == self.item else 0)

    def live(self, key: str, value) -> Markup | str:
        """A number that changes between requests: a blank while recording."""
        text = format_count(value)
        if self.recording:
            self.defaults[key] = text
            return marker(key)
        return text

    def live_value(self, key: str) -> str | None:
        """A blank's value for this response ("online", "item:document:12", ...), from its
        snapshot; None when the snapshot has no such number."""
        snapshot = self.snapshot
        if snapshot is None:
            return None
        if key[:5] == "item:":
            value = snapshot.items.get(key[5:])
        elif key in HEADLINE:
            value = getattr(snapshot, key)
        else:
            return None
        return None if value is None else format_count(value)


HEADLINE = frozenset({"online", "today", "total", "bots_online"})


def of(req: Request) -> PageView:
    """The page view of a request (the one the fast path made, or a new one)."""
    view = req.environ.get(ENVIRON_KEY)
    if view is None:
        view = req.environ[ENVIRON_KEY] = PageView(req)
    return view


def current() -> PageView | None:
    """This request's page view, if the request made one (hooks, the sidebar of an error
    page); None outside a request."""
    if not has_request_context():
        return None
    return request.environ.get(ENVIRON_KEY)


def live(page_view: PageView | None, key: str, value) -> Markup | str:
    """Template helper: a live number of `page_view` (or just the number, without one)."""
    if page_view is None:
        return format_count(value)
    return page_view.live(key, value)


__all__ = ["ENVIRON_KEY", "PageView", "current", "format_count", "item_key", "live", "of"]
