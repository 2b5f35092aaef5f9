"""gunicorn's access lines without secrets (`PlainLogger`, always) and its error and access
logs as JSON lines (`JsonLogger`, with LOG_FORMAT=json): the same fields as the app's lines
(app/observability/logs.py). A path that carries a secret (a password link) shows only its
prefix (`loggable_path`).

An access line is one request: method, path (never the query string: it may carry
secrets), status, duration_ms, bytes, remote_addr as the app sees it (after ProxyFix, which
rewrote the environ gunicorn hands us) and the request's id. No cookies, no Referer, no
User-Agent.
"""

from __future__ import annotations

import logging

from gunicorn.glogging import Logger

from app.observability.logs import HIDDEN, JsonFormatter, install_record_factory, loggable_path
from app.observability.request_id import HEADER, of_environ


class PlainLogger(Logger):
    """gunicorn's own access line, a secret path's token hidden wherever it shows (the
    request line, the path, the environ's RAW_URI…)."""

    def atoms(self, resp, req, environ, request_time) -> dict:
        atoms = super().atoms(resp, req, environ, request_time)
        path = environ.get("PATH_INFO", "")
        shown = loggable_path(path)
        if shown != path:
            secret = path[len(shown) - len(HIDDEN) :]
            for key, value in atoms.items():
                if isinstance(value, str) and secret in value:
                    atoms[key] = value.replace(secret, HIDDEN)
        return atoms


class JsonLogger(PlainLogger):
    def setup(self, cfg) -> None:
        super().setup(cfg)
        install_record_factory()
        for log in (self.error_log, self.access_log):
            for handler in log.handlers:
                if getattr(handler, "_gunicorn", False):
                    handler.setFormatter(JsonFormatter())

    def access(self, resp, req, environ, request_time) -> None:
        if not self.access_log_enabled or not self.access_log.isEnabledFor(logging.INFO):
            return
        status = resp.status
        status = int(str(status).split(None, 1)[0]) if status else 0
        rid = of_environ(environ) or dict(
            (name.lower(), value) for name, value in resp.headers
        ).get(HEADER.lower(), "")  # fmt: skip
        method = environ.get("REQUEST_METHOD", "")
        path = loggable_path(environ.get("PATH_INFO", ""))
        fields = {
            "method": method,
            "path": path,
            "status": status,
            "duration_ms": round(request_time.total_seconds() * 1000, 3),
            "bytes": getattr(resp, "sent", None),
            "remote_addr": environ.get("REMOTE_ADDR", ""),
        }
        record = self.access_log.makeRecord(
            self.access_log.name, logging.INFO, __file__, 0, "%s %s %s",
            (method, path, status), None, extra=fields,
        )  # fmt: skip
        record.request_id = rid
        try:
            self.access_log.handle(record)
        except Exception:  # noqa: BLE001 - as gunicorn's own access(): never fail a request
            self.error_log.exception("access log line failed")
