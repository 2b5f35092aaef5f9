"""This process's page views, kept in memory: what a request adds costs a dict update, never
a system call (its Redis errors are kept by the Redis holder, app/redis_holder.py).
app/observability/metrics.py publishes them to Prometheus' per-process files every second
and before each scrape.

The counts only grow; the publisher remembers what it has sent and sends the difference.
"""

from __future__ import annotations

from app.page_view import ENVIRON_KEY as PAGE_VIEW

# (kind of item viewed or "page", "counted" in Redis or "spooled", "bot" or "human") -> n
page_views: dict[tuple[str, str, str], int] = {}


def note_page_view(environ: dict) -> None:
    """Count the request's page view, if the statistics counted one (at response start)."""
    view = environ.get(PAGE_VIEW)
    if view is None or not view.counted:
        return
    visitor = view.visitor
    if visitor is None:  # not a GET, a prefetch: nothing was counted
        return
    key = (
        view.item.partition(":")[0] or "page",
        "counted" if view.hit is not None else "spooled",
        "bot" if visitor.is_bot else "human",
    )
    page_views[key] = page_views.get(key, 0) + 1
