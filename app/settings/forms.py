"""The settings page's form, built from the declarations: one field per declared setting."""

from __future__ import annotations

from wtforms import BooleanField, IntegerField, SelectField, StringField
from wtforms.validators import InputRequired, Length, NumberRange

from app.form_base import PortalForm, strip
from app.settings.registry import TEXT_MAX, Setting


def _field(setting: Setting):
    common = {"label": setting.label, "description": setting.help}
    if setting.kind == "choice":
        return SelectField(choices=dict(setting.choices), **common)
    if setting.kind == "int":
        return IntegerField(
            validators=[InputRequired(), NumberRange(setting.minimum, setting.maximum)],
            render_kw={"min": setting.minimum, "max": setting.maximum},
            **common,
        )
    if setting.kind == "bool":
        return BooleanField(**common)
    return StringField(validators=[Length(max=TEXT_MAX)], filters=[strip], **common)


def settings_form(settings: dict[str, Setting], values: dict[str, object]) -> PortalForm:
    """A form for `settings`, showing `values` until something is posted."""
    form_class = type("SettingsForm", (PortalForm,), {k: _field(s) for k, s in settings.items()})
    return form_class(data=values)


__all__ = ["settings_form"]
