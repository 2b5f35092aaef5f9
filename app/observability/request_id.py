"""Every request's id: the trusted proxy's X-Request-ID, or a new random one.

`RequestIds` is the outermost WSGI layer (outside the page cache's fast path, the Host check
and ProxyFix), so both paths get the id. It is kept in the WSGI environ, in a context
variable that log records read (app/observability/logs.py: each greenlet or thread has its
own), and sent back in the X-Request-ID response header. The same layer tells the metrics
what the page view became (app/observability/metrics.py::note_page_view): its PageView is
in the environ once the response starts.

An id from the client is taken only behind a trusted proxy (TRUSTED_PROXIES > 0: nginx
sets it, `proxy_set_header X-Request-ID $request_id`) and only when it looks like one:
1 to 128 characters of letters, digits and `._:-`. Anything else gets a new id.
"""

from __future__ import annotations

import random
import re
from contextvars import ContextVar

ENVIRON_KEY = "portal.request_id"
HEADER = "X-Request-ID"
_SANE = re.compile(r"[A-Za-z0-9._:-]{1,128}").fullmatch
_current: ContextVar[str] = ContextVar("request_id", default="")
# Ids need to be unique, not secret: the Mersenne Twister is ~20x cheaper than urandom.
_bits = random.getrandbits  # noqa: S311 - a correlation id, not a secret


def new_id() -> str:
    """A fresh id: 32 hex digits, as nginx's $request_id."""
    return f"{_bits(128):032x}"


def accepted(value: str | None) -> str | None:
    """`value` when it is a sane request id, else None."""
    return value if value and _SANE(value) else None


def current() -> str:
    """The id of the request this greenlet or thread serves ("" outside one)."""
    return _current.get()


def of_environ(environ: dict) -> str:
    return environ.get(ENVIRON_KEY, "")


class RequestIds:
    """WSGI layer: give the request its id, echo it, and note what the page view became."""

    def __init__(self, wsgi_app, trust_header: bool, on_response) -> None:
        self.wsgi_app = wsgi_app
        self.trust_header = trust_header
        self.on_response = on_response  # (environ) -> None, when the response starts

    def __call__(self, environ, start_response):
        rid = None
        if self.trust_header:
            rid = accepted(environ.get("HTTP_X_REQUEST_ID"))
        if rid is None:
            rid = f"{_bits(128):032x}"
        environ[ENVIRON_KEY] = rid
        # Not reset afterwards: a streamed body and gunicorn's access line, which run after
        # this returns, still log with the id; the next request of the greenlet sets its own.
        _current.set(rid)
        on_response = self.on_response

        def start(status, headers, exc_info=None):
            headers.append((HEADER, rid))
            on_response(environ)
            return start_response(status, headers, exc_info)

        return self.wsgi_app(environ, start)
