"""Saving settings: only changed values are written, each change audited, one commit."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

from app.audit.operations import record as audit
from app.extensions import db
from app.settings import store
from app.settings.models import SiteSetting
from app.settings.registry import declared

if TYPE_CHECKING:
    from app.auth.models import User


def save_settings(values: dict[str, object], *, by: User) -> list[str]:
    """Store `values` (already valid for their declarations); return the keys that changed.
    A changed setting's `on_change` runs after the commit."""
    settings = declared()
    before = store.load()
    changed = []
    for key, value in values.items():
        value = settings[key].coerce(value)
        if before.get(key) == value:
            continue
        row = db.session.get(SiteSetting, key)
        encoded = json.dumps(value, ensure_ascii=False)
        if row is None:
            db.session.add(SiteSetting(key=key, value=encoded))
        else:
            row.value = encoded
        old = json.dumps(before.get(key), ensure_ascii=False)
        audit("settings.change", None, f"{key}: {old} → {encoded}", by=by, commit=False,
              object_type="setting", object_id=key)  # fmt: skip
        changed.append(key)
    if changed:
        db.session.commit()
        store.forget()
        for key in changed:
            if settings[key].on_change is not None:
                settings[key].on_change(settings[key].coerce(values[key]))
    return changed


__all__ = ["save_settings"]
