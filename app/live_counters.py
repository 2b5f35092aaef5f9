"""What features declare to the statistics: the items they count and those pages show live.

Declarations go into the app's extensions, which the statistics service reads when it runs,
so a feature may declare before or after the service exists and imports no `app.stats`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from flask import Flask


@dataclass(frozen=True)
class Counter:
    """An item counter buffered in Redis and flushed into `model.column`."""

    model: type
    column: str


def counters(app: Flask) -> dict[str, Counter]:
    """The app's counted item kinds ("article", "document", ...), by kind."""
    return app.extensions.setdefault("stats_counters", {})


def live_only(app: Flask) -> set[str]:
    """The app's live-only item kinds ("rating_total", ...): shown live like views, but
    never counted, flushed nor started by page views. Their SQL column is the truth; whoever
    writes it sets Redis' value after the commit (StatsService.set_live). While Redis has no
    value (nobody wrote since Redis started empty) a page shows the column's, which is then
    still the latest."""
    return app.extensions.setdefault("stats_live_only", set())


def watch_providers(app: Flask) -> list[Callable[[], list[str]]]:
    """Functions naming the items ("kind:id") whose counters pages show live."""
    return app.extensions.setdefault("stats_watch_providers", [])


def register_counter(app: Flask, kind: str, model: type, column: str) -> None:
    """Count views of `kind:<id>` items, flushed into `model.column` of the row `id`."""
    counters(app)[kind] = Counter(model, column)


def register_live_only(app: Flask, kind: str) -> None:
    """Show `kind:<id>` items live without counting them (see `live_only`)."""
    live_only(app).add(kind)


def add_watch_provider(app: Flask, provider: Callable[[], list[str]]) -> None:
    watch_providers(app).append(provider)


@dataclass(frozen=True)
class ReportItem:
    """How the statistics reports name a counted kind and link one of its rows."""

    label: str  # what the reports call the kind: "Bài viết", "Văn bản"…
    url: Callable[[object], str] | None = None  # the row (counter's model) -> its page's URL


def report_items(app: Flask) -> dict[str, ReportItem]:
    """The counted kinds the reports know a name (and a link) for, by kind."""
    return app.extensions.setdefault("stats_report_items", {})


def register_report_item(
    app: Flask, kind: str, label: str, url: Callable[[object], str] | None = None
) -> None:
    """Name `kind` in the statistics reports; `url(row)` links a row to its page."""
    report_items(app)[kind] = ReportItem(label, url)


__all__ = [
    "Counter",
    "ReportItem",
    "add_watch_provider",
    "counters",
    "live_only",
    "register_counter",
    "register_live_only",
    "register_report_item",
    "report_items",
    "watch_providers",
]
