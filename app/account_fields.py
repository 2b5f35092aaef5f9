"""What features add to the user administration: a field of the account form and a column of
the account list (news adds the categories an editor may edit).

It lives outside every feature and outside `app.admin`, as `app.admin_menu` does, so a feature
registers its field without importing the shell and the shell shows it without importing any
feature. The feature keeps the data and its meaning; the shell only carries the value.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from flask import Flask, current_app

if TYPE_CHECKING:
    from wtforms import Field
    from wtforms.fields.core import UnboundField

    from app.auth.models import User


@dataclass(frozen=True)
class AccountField:
    """One field a feature adds to every account.

    `make()` gives the unbound WTForms field (its name in the form is `name`); `prepare(field)`
    sets it up for this request (choices); `initial(user)` is the value shown when editing;
    `summary(user)` the account list's cell under `label`; `save(user, value)` applies a
    submitted value without committing and returns a note for the audit row ("" when
    nothing changed)."""

    name: str
    label: str
    make: Callable[[], UnboundField]
    prepare: Callable[[Field], None]
    initial: Callable[[User], Any]
    summary: Callable[[User], str]
    save: Callable[[User, Any], str]
    position: int = 50


def register_account_field(app: Flask, field: AccountField) -> None:
    app.extensions.setdefault("account_fields", []).append(field)


def account_fields() -> list[AccountField]:
    """The fields features added, in position order."""
    return sorted(current_app.extensions.get("account_fields", []), key=lambda f: f.position)


def save_account_fields(user: User, values: dict[str, Any]) -> list[str]:
    """Apply the submitted value of each added field (none committed); the audit notes."""
    notes = []
    for field in account_fields():
        if field.name in values:
            note = field.save(user, values[field.name])
            if note:
                notes.append(note)
    return notes


__all__ = [
    "AccountField",
    "account_fields",
    "register_account_field",
    "save_account_fields",
]
