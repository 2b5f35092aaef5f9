"""Which categories an editor may edit: the check the news administration makes, and the field
news adds to the account form and list (through `app.account_fields`) to assign them."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from flask import Flask
from wtforms import SelectMultipleField

from app.account_fields import AccountField, register_account_field
from app.news.operations import assign_categories
from app.news.queries import all_categories

if TYPE_CHECKING:
    from wtforms import Field

    from app.auth.models import User


def may_edit_category(user: User, category_id: int | None) -> bool:
    """Administrators everywhere; editors in the categories assigned to them."""
    if category_id is None:
        return bool(user.is_admin)
    return user.is_admin or any(c.id == category_id for c in user.categories)


def _make() -> Any:
    return SelectMultipleField("Chuyên mục được phụ trách", coerce=int, render_kw={"size": 6})


def _prepare(field: Field) -> None:
    field.choices = {c.id: c.name for c in all_categories()}


def _initial(user: User) -> list[int]:
    return [c.id for c in user.categories]


def _summary(user: User) -> str:
    return "Tất cả" if user.is_admin else ", ".join(c.name for c in user.categories)


CATEGORIES_FIELD = AccountField(
    name="categories",
    label="Chuyên mục",
    make=_make,
    prepare=_prepare,
    initial=_initial,
    summary=_summary,
    save=lambda user, ids: assign_categories(user, ids or []),
    position=10,
)


def init_app(app: Flask) -> None:
    register_account_field(app, CATEGORIES_FIELD)


__all__ = ["CATEGORIES_FIELD", "init_app", "may_edit_category"]
