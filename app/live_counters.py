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


__all__ = [
    "Counter",
    "add_watch_provider",
    "counters",
    "live_only",
    "register_counter",
    "register_live_only",
    "watch_providers",
]
