"""Times in the site's named time zone and their Vietnamese rendering."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from flask import current_app

WEEKDAYS = ("Thứ hai", "Thứ ba", "Thứ tư", "Thứ năm", "Thứ sáu", "Thứ bảy", "Chủ nhật")


def utcnow() -> datetime:
    """Naive UTC now: how every timestamp is stored."""
    return datetime.now(UTC).replace(tzinfo=None)


def site_zone() -> ZoneInfo:
    return ZoneInfo(current_app.config["SITE_TIMEZONE"])


def to_local(value: datetime) -> datetime:
    """A stored (naive UTC) time in the site's zone."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(site_zone())


def format_long(value: datetime | None) -> str:
    """`Thứ tư - 12/06/2024 05:26`, as article pages show it."""
    if value is None:
        return ""
    local = to_local(value)
    return f"{WEEKDAYS[local.weekday()]} - {local:%d/%m/%Y %H:%M}"


def format_date(value: datetime | None) -> str:
    return "" if value is None else f"{to_local(value):%d/%m/%Y}"


def format_datetime(value: datetime | None) -> str:
    return "" if value is None else f"{to_local(value):%d/%m/%Y %H:%M}"


def local_to_utc(value: datetime | None) -> datetime | None:
    """A naive date-time typed in the site's zone, as stored (naive UTC)."""
    if value is None:
        return None
    return value.replace(tzinfo=site_zone()).astimezone(UTC).replace(tzinfo=None)


def utc_to_local_naive(value: datetime | None) -> datetime | None:
    """A stored time as a naive date-time in the site's zone, for form fields."""
    return None if value is None else to_local(value).replace(tzinfo=None)
