"""What features add to the admin shell: menu entries and dashboard counts.

It lives outside every feature and outside `app.admin`, so a feature registers its sections
without importing the shell and the shell shows them without importing any feature.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from flask import Flask, current_app, url_for
from flask_login import current_user
from sqlalchemy import func, select

from app.extensions import db


@dataclass(frozen=True)
class NavItem:
    label: str
    endpoint: str
    position: int = 50
    admin_only: bool = False


@dataclass(frozen=True)
class DashboardCount:
    """One card of the dashboard: `count()` is read on each visit, `label` follows the number."""

    label: str
    count: Callable[[], int]
    position: int = 50
    admin_only: bool = False  # a count of what only administrators may open


def row_count(model: type) -> Callable[[], int]:
    """A `count` for DashboardCount: how many rows `model` has."""

    def count() -> int:
        return db.session.scalar(select(func.count()).select_from(model)) or 0

    return count


def register_nav(app: Flask, item: NavItem) -> None:
    app.extensions.setdefault("admin_nav", []).append(item)


def register_count(app: Flask, card: DashboardCount) -> None:
    app.extensions.setdefault("admin_counts", []).append(card)


def nav_items() -> list[dict]:
    """The admin menu entries the current user may open."""
    items = sorted(current_app.extensions.get("admin_nav", []), key=lambda i: i.position)
    return [
        {"label": i.label, "url": url_for(i.endpoint)}
        for i in items
        if current_user.is_authenticated and (current_user.is_admin or not i.admin_only)
    ]


def dashboard_counts() -> list[dict]:
    """The dashboard's cards in position order, each counted now."""
    cards = sorted(current_app.extensions.get("admin_counts", []), key=lambda c: c.position)
    admin = bool(getattr(current_user, "is_admin", False))
    return [{"label": c.label, "count": c.count()} for c in cards if admin or not c.admin_only]


__all__ = [
    "DashboardCount",
    "NavItem",
    "dashboard_counts",
    "nav_items",
    "register_count",
    "register_nav",
    "row_count",
]
