"""Log lines with the request's id; one JSON object per line with LOG_FORMAT=json.

Every log record gets a `request_id` attribute (the request the greenlet or thread serves,
"" outside one) from a record factory installed once per process. `JsonFormatter` writes
a record as one line: time (ISO-8601 UTC), level, logger, message, request_id, the HTTP
fields a request line carries (`HTTP_FIELDS`, see app/observability/gunicorn_log.py) and
the traceback. Plain text stays the default; its lines name the request when there is one.

Nothing a visitor sends is logged but the path (no query string, no cookies, no headers),
and JSON escapes every control character, so a line can never be split or forged. A path
that carries a secret (a one-time password link: `SECRET_PATH_PREFIXES`) is logged without
it (`loggable_path`), by the app's lines and by gunicorn's access lines alike.
"""

from __future__ import annotations

import json
import logging
import time

from app.observability.request_id import current

# Fields of a request line, in their order: gunicorn's access log passes them as `extra`.
HTTP_FIELDS = ("method", "path", "status", "duration_ms", "bytes", "remote_addr")
PLAIN_FORMAT = "%(levelname)s:%(name)s:%(message)s"
FORMATS = ("plain", "json")
# Paths whose rest is a secret (app/auth/password_links.PATH): logs show the prefix only.
SECRET_PATH_PREFIXES = ("/dat-mat-khau/",)
HIDDEN = "…"


def loggable_path(path: str) -> str:
    """`path` as a log line may show it: a secret path's token replaced by "…"."""
    for prefix in SECRET_PATH_PREFIXES:
        if path.startswith(prefix) and len(path) > len(prefix):
            return prefix + HIDDEN
    return path


def utc_iso(created: float) -> str:
    """A record's time as ISO-8601 UTC with milliseconds: 2026-11-30T04:12:11.123Z."""
    seconds = int(created)
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(seconds)) + (
        f".{int((created - seconds) * 1000):03d}Z"
    )


class JsonFormatter(logging.Formatter):
    """One JSON object per record, on one line."""

    def format(self, record: logging.LogRecord) -> str:
        line = {
            "time": utc_iso(record.created),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", "") or None,
        }
        for name in HTTP_FIELDS:
            value = getattr(record, name, None)
            if value is not None:
                line[name] = value
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        elif record.exc_text:
            line["exception"] = record.exc_text
        if record.stack_info:
            line["stack"] = self.formatStack(record.stack_info)
        return json.dumps(line, ensure_ascii=True, default=str)


class PlainFormatter(logging.Formatter):
    """logging's default line, followed by the request's id when there is one."""

    def __init__(self) -> None:
        super().__init__(PLAIN_FORMAT)

    def format(self, record: logging.LogRecord) -> str:
        text = super().format(record)
        rid = getattr(record, "request_id", "")
        return f"{text} [request {rid}]" if rid else text


def install_record_factory() -> None:
    """Give every log record of the process the current request's id (once)."""
    factory = logging.getLogRecordFactory()
    if getattr(factory, "adds_request_id", False):
        return

    def make_record(*args, **kwargs):
        record = factory(*args, **kwargs)
        record.request_id = current()
        return record

    make_record.adds_request_id = True
    logging.setLogRecordFactory(make_record)


def formatter(log_format: str) -> logging.Formatter:
    if log_format not in FORMATS:
        raise RuntimeError(f"LOG_FORMAT must be one of {', '.join(FORMATS)}, not {log_format!r}")
    return JsonFormatter() if log_format == "json" else PlainFormatter()


def configure(log_format: str) -> None:
    """Format the root logger's own stream handlers (logging.basicConfig's, under gunicorn
    and `flask run`); handlers others added (pytest's) keep theirs."""
    install_record_factory()
    chosen = formatter(log_format)
    for handler in logging.getLogger().handlers:
        if type(handler) is logging.StreamHandler:
            handler.setFormatter(chosen)
