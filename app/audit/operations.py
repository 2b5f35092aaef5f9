"""Writing audit entries; values are stored as given and logged encoded."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable
from typing import TYPE_CHECKING

from flask import has_request_context, request
from flask_login import current_user

from app.audit.models import AuditEntry
from app.extensions import db

if TYPE_CHECKING:
    from app.auth.models import User

log = logging.getLogger("app.audit")


def record(
    action: str,
    obj=None,
    detail: str = "",
    *,
    by: User | None = None,
    commit: bool = True,
    object_type: str = "",
    object_id: str = "",
) -> AuditEntry:
    """Add an audit row for `action` on `obj` by `by` (default: the logged-in user, if any)."""
    if by is None and has_request_context() and current_user.is_authenticated:
        by = current_user
    if obj is not None:
        # __class__, not type(): current_user is a proxy that forwards __class__.
        object_type = object_type or obj.__class__.__name__.lower()
        object_id = object_id or str(getattr(obj, "id", "") or "")
    entry = AuditEntry(
        user_id=getattr(by, "id", None),
        username=getattr(by, "username", "") or "",
        action=action,
        object_type=object_type,
        object_id=object_id,
        detail=detail[:2000],
        ip=(request.remote_addr or "") if has_request_context() else "",
    )
    db.session.add(entry)
    if commit:
        db.session.commit()
    # json.dumps escapes CR/LF and quotes, so a crafted title cannot forge a log line.
    log.info(
        "audit %s",
        json.dumps(
            {
                "user": entry.username,
                "action": action,
                "object": f"{object_type}:{object_id}",
                "detail": entry.detail,
                "ip": entry.ip,
            },
            ensure_ascii=False,
        ),
    )
    return entry


def apply_changes(obj, values: Iterable[tuple[str, object]]) -> list[str]:
    """Set each (field, value) that differs on `obj`; the `field=value` list for the audit
    row's detail, in the order given."""
    changes = []
    for name, value in values:
        if getattr(obj, name) != value:
            changes.append(f"{name}={value}")
            setattr(obj, name, value)
    return changes
