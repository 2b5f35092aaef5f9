"""The settings page's form, built from the declarations: one field per declared setting."""

from __future__ import annotations

from flask_wtf.file import FileField
from wtforms import BooleanField, ColorField, IntegerField, SelectField, StringField
from wtforms.validators import InputRequired, Length, NumberRange, ValidationError

from app.form_base import PortalForm, strip
from app.settings.registry import TEXT_MAX, InvalidValue, Setting

REMOVE = "{}_remove"  # the "remove the current image" box next to an image setting's upload


def _declared(setting: Setting):
    """A validator: the declaration's own check (contrast of a colour, an e-mail address)."""

    def validate(form, field) -> None:
        if field.data is None or (field.data == "" and setting.kind != "color"):
            return
        try:
            setting.coerce(field.data)
        except InvalidValue as exc:
            raise ValidationError(str(exc)) from exc

    return validate


def _field(setting: Setting):
    common = {"label": setting.label, "description": setting.help}
    if setting.kind == "image":
        return FileField(**common)
    if setting.kind == "color":
        return ColorField(validators=[_declared(setting)], filters=[strip], **common)
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
    validators = [Length(max=TEXT_MAX)] + ([_declared(setting)] if setting.check else [])
    return StringField(validators=validators, filters=[strip], **common)


def settings_form(settings: dict[str, Setting], values: dict[str, object]) -> PortalForm:
    """A form for `settings`, showing `values` until something is posted."""
    fields = {k: _field(s) for k, s in settings.items()}
    for key, setting in settings.items():
        if setting.kind == "image":
            what = setting.label[:1].lower() + setting.label[1:]
            fields[REMOVE.format(key)] = BooleanField(f"Bỏ {what} hiện tại")
    form_class = type("SettingsForm", (PortalForm,), fields)
    return form_class(data={k: v for k, v in values.items() if settings[k].kind != "image"})


__all__ = ["REMOVE", "settings_form"]
