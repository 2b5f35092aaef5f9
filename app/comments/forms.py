"""The moderators' forms."""

from __future__ import annotations

from wtforms import SelectField

from app.form_base import PortalForm

ACTIONS = {"approve": "Duyệt", "reject": "Từ chối", "delete": "Xóa"}


class ModerationForm(PortalForm):
    """The queue's one form: checkboxes named "ids" with the chosen action, or a row's own
    button (name "one", value "<action>:<id>")."""

    action = SelectField("Với các ý kiến đã chọn", choices=ACTIONS)


__all__ = ["ACTIONS", "ModerationForm"]
