"""Reading the audit log as stored, for tests of what writes it.

Not a test module: `from audit_log import audit_rows`.
"""

from __future__ import annotations

from contextlib import nullcontext

from flask import has_app_context
from sqlalchemy import select

from app.audit.models import AuditEntry
from app.extensions import db


def audit_rows(app, action: str | None = None, *, prefix: str = "") -> list[AuditEntry]:
    """The audit log's rows, oldest first: all of them, those of `action`, or those whose
    action starts with `prefix`. Read fresh, in the test's app context when it keeps one
    pushed, else in one of their own (the rows then come back detached, fully loaded)."""
    with nullcontext() if has_app_context() else app.app_context():
        db.session.expire_all()
        query = select(AuditEntry).order_by(AuditEntry.id)
        if action is not None:
            query = query.where(AuditEntry.action == action)
        if prefix:
            query = query.where(AuditEntry.action.startswith(prefix))
        return list(db.session.scalars(query))
