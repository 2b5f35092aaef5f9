"""Demo content of the pages feature: "Giới thiệu" and "Liên hệ", and the footer block of the
site's settings (app/pages/demo.toml). Idempotent: only what is missing is added."""

from __future__ import annotations

import tomllib
from pathlib import Path

from sqlalchemy import select

from app.extensions import db
from app.pages.models import Page
from app.pages.operations import create_page
from app.settings.models import SiteSetting
from app.settings.operations import save_settings

DATA = Path(__file__).with_name("demo.toml")


def seed_demo() -> int:
    """Add the demo pages and footer settings that are missing; how many rows were added."""
    data = tomllib.loads(DATA.read_text(encoding="utf-8"))
    added = 0
    for item in data["pages"]:
        if db.session.scalar(select(Page.id).where(Page.slug == item["slug"])) is None:
            create_page({**item, "published": True}, by=None)
            added += 1
    settings = data["settings"]
    stored = set(db.session.scalars(select(SiteSetting.key).where(SiteSetting.key.in_(settings))))
    missing = {key: value for key, value in settings.items() if key not in stored}
    if missing:
        added += len(save_settings(missing, by=None))
    return added


__all__ = ["seed_demo"]
