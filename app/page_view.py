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


# Averages of two live items: the blank's prefix says the decimal mark (readers see a comma,
# machine-readable markup such as schema.org's ratingValue wants a point).
MEAN_PREFIXES = {",": "mean", ".": "meanpoint"}
_MEAN_POINTS = {prefix: point for point, prefix in MEAN_PREFIXES.items()}


def mean_key(total_item: str, count_item: str, point: str = ",") -> str:
    """The blank of an average of two live items: "mean:rating_total:12:rating_count:12"."""
    return f"{MEAN_PREFIXES[point]}:{total_item}:{count_item}"


def format_mean(total, count, point: str = ",") -> str:
    """An average as the original sites print it (PHP's round(x, 1)): one decimal, halves
    up, with the Vietnamese decimal comma (or `point`); a whole number bare; 0 without a
    count. `9 / 2` -> `4,5`, `4 / 2` -> `2`."""
    total, count = int(total or 0), int(count or 0)
    if count <= 0:
        return "0"
    tenths = (20 * total + count) // (2 * count)  # exact: no binary fractions
    whole, tenth = divmod(tenths, 10)
    return f"{whole}{point}{tenth}" if tenth else str(whole)


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
    # A scheduled change the recorded page shows (a banner's start or end), in epoch seconds
    # of the page cache's clock: the cached page is stale from then on.
    changes_at: float | None = None

    @property
    def version(self) -> str:
        """The content version Redis returned with the hit ("" when not counted)."""
        return self.hit.version if self.hit is not None else ""

    def changes_by(self, when: float) -> None:
        """The page shows something that changes at `when` (epoch seconds): a cached copy
        of it must not outlive that moment."""
        if self.changes_at is None or when < self.changes_at:
            self.changes_at = when

    def count_of(self, item: str, stored: int) -> int:
        """A live count for the page: Redis' live counter of `item`, else its SQL value
        (`stored`) plus, for the counted item, what Redis holds that SQL does not yet."""
        if self.snapshot is not None and item in self.snapshot.items:
            return self.snapshot.items[item]
        return int(stored or 0) + (self.pending if item == self.item else 0)

    def live(self, key: str, value) -> Markup | str:
        """A number that changes between requests: a blank while recording."""
        return self.live_text(key, format_count(value))

    def live_text(self, key: str, text: str) -> Markup | str:
        """A live number already formatted (an average): a blank while recording."""
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
        elif key[:4] == "mean":
            return self._mean(key, snapshot.items)
        else:
            return None
        return None if value is None else format_count(value)

    @staticmethod
    def _mean(key: str, items: dict[str, int]) -> str | None:
        parts = key.split(":")  # prefix, total kind, id, count kind, id
        point = _MEAN_POINTS.get(parts[0])
        if len(parts) != 5 or point is None:
            return None
        total = items.get(f"{parts[1]}:{parts[2]}")
        count = items.get(f"{parts[3]}:{parts[4]}")
        return None if total is None or count is None else format_mean(total, count, point)


HEADLINE = frozenset({"online", "today", "total", "bots_online"})


def of(req: Request) -> PageView:
    """The page view of a request (the one the fast path made, or a new one)."""
    view = req.environ.get(ENVIRON_KEY)
    if view is None:
        view = req.environ[ENVIRON_KEY] = PageView(req)
    return view


def live_mean(page_view: PageView | None, total_item: str, count_item: str, total, count,
              point: str = ",") -> Markup | str:  # fmt: skip
    """Template helper: the live average of two live items (`format_mean`)."""
    text = format_mean(total, count, point)
    if page_view is None:
        return text
    return page_view.live_text(mean_key(total_item, count_item, point), text)


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


__all__ = [
    "ENVIRON_KEY",
    "PageView",
    "current",
    "format_count",
    "format_mean",
    "item_key",
    "live",
    "live_mean",
    "mean_key",
    "of",
]
