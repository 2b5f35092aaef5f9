"""What machines read: RSS feeds, the sitemap (features add their sections) and robots.txt.

Feeds and the sitemap are XML 1.0 rendered by autoescaping templates: `&` and `<` in a
title are escaped there, and the `xml_text` filter drops what XML 1.0 cannot carry at all
(control characters such as \\x0b, lone surrogates, U+FFFE/U+FFFF), which escaping cannot
fix. Every link in them is absolute, on SITE_URL (app/site_url.py::absolute_url).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, date, datetime
from email.utils import format_datetime

from flask import Flask, current_app, render_template
from markupsafe import Markup

from app.dates import site_zone

# Characters XML 1.0 forbids (its Char production), whatever the escaping.
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")

# Paths crawlers are asked to leave alone: administration, logins, the JSON API, the live
# statistics stream, banner click counters and the search results (endless and thin).
ROBOTS_DISALLOWED = ("/admin/", "/auth/", "/api/", "/stats/", "/lien-ket/", "/tim-kiem")

# A section of the sitemap: a function returning (absolute URL, last modified date or None).
SitemapSection = Callable[[], list[tuple[str, "date | None"]]]


def xml_text(value) -> str | Markup:
    """`value` without the characters XML 1.0 forbids (still escaped by the template)."""
    if value is None:
        return ""
    if isinstance(value, Markup):
        return Markup(_NOT_XML.sub("", str(value)))  # noqa: S704 - already markup, only cut
    return _NOT_XML.sub("", str(value))


def rfc822(value: datetime | date | None) -> str:
    """An RSS date: a stored (naive UTC) time, or a day at midnight in the site's zone."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        moment = value if value.tzinfo else value.replace(tzinfo=UTC)
    else:
        moment = datetime(value.year, value.month, value.day, tzinfo=site_zone())
    return format_datetime(moment)


def xml(template: str, mimetype: str = "application/xml", **context):
    return current_app.response_class(render_template(template, **context), mimetype=mimetype)


def rss(template: str, **context):
    """An RSS 2.0 feed rendered from `template` (see templates/news/feed.xml)."""
    return xml(template, mimetype="application/rss+xml", **context)


def add_sitemap_section(app: Flask, section: SitemapSection) -> None:
    app.extensions.setdefault("sitemap_sections", []).append(section)


def sitemap_sections(app: Flask) -> list[SitemapSection]:
    return app.extensions.get("sitemap_sections", [])


def robots_disallowed() -> tuple[str, ...]:
    return ROBOTS_DISALLOWED


def init_app(app: Flask) -> None:
    app.add_template_filter(xml_text, "xml_text")
    app.add_template_filter(rfc822, "rfc822")
