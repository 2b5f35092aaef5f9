"""The site's own address: every absolute link, and which Host headers are served.

SITE_URL (e.g. `https://congthongtin.example.gov.vn`) is the origin of every absolute link:
canonical, og:image, RSS, sitemap (templates call `absolute_url(endpoint, **values)`). With
SITE_URL or TRUSTED_HOSTS set, a request for any other Host is answered 400 before the app
sees it, so a forged Host can reach neither a page, nor a redirect, nor the page cache.

Without them (the demo, `make run`) any Host is served, and the rule is: the request's own
origin is only ever a per-request value. Absolute links render it as a page-cache blank
(`page_cache.per_request("origin")`), filled for each response, so cached bytes never hold a
Host header and a forged one is only shown back to whoever sent it; redirects built from the
request (Werkzeug's strict slashes, `/van-ban` -> `/van-ban/`) get a relative Location.
"""

from __future__ import annotations

import json
import logging
from urllib.parse import urlsplit, urlunsplit

from flask import Flask, current_app, request, url_for
from markupsafe import Markup, escape
from werkzeug.exceptions import SecurityError
from werkzeug.wrappers import Request, Response
from werkzeug.wsgi import get_host

from app import page_cache

log = logging.getLogger(__name__)

# Served whenever a host list is in force: a local health check or a proxy that does not pass
# the Host on reaches the app by address; links still use SITE_URL.
LOCAL_HOSTS = ("localhost", "127.0.0.1")

REFUSED_TITLE = "Yêu cầu không hợp lệ"
REFUSED_MESSAGE = (
    "Tên miền trong yêu cầu không phải địa chỉ của trang này. "
    "Vui lòng truy cập trang bằng địa chỉ chính thức."
)


def parse_site_url(raw: str) -> str:
    """`https://Example.gov.vn/` -> `https://example.gov.vn`; anything but an origin is an
    error at start-up, not a wrong link on every page."""
    parts = urlsplit(raw.strip())
    if (
        parts.scheme not in ("http", "https")
        or not parts.hostname
        or parts.path not in ("", "/")
        or parts.query
        or parts.fragment
        or parts.username is not None
    ):
        raise RuntimeError(
            f"SITE_URL must be a site origin such as https://congthongtin.example.gov.vn "
            f"(scheme and host, optional port, no path), not {raw!r}"
        )
    return f"{parts.scheme}://{parts.netloc.lower()}"


def host_list(value) -> list[str]:
    """TRUSTED_HOSTS as a list, from a list or a comma-separated string."""
    if not value:
        return []
    if isinstance(value, str):
        value = value.split(",")
    return [str(host).strip().lower() for host in value if str(host).strip()]


def site_origin() -> str:
    """The configured SITE_URL origin, or "" when not set."""
    return current_app.extensions["site_url"]


def request_origin(req: Request, app: Flask) -> str:
    """SITE_URL, or else this request's own `scheme://host` (per request: never cache it)."""
    # Not `request.host_url`: it rebuilds a whole URL (IRI decoding included) per call.
    return app.extensions["site_url"] or f"{req.scheme}://{req.host}"


def absolute_url(endpoint: str, **values) -> Markup:
    """An absolute link to `endpoint` for templates, safe for cached pages: on SITE_URL when
    set, else on the request's origin as a blank the page cache fills per response."""
    path = url_for(endpoint, **values)
    origin = site_origin()
    if origin:
        return escape(origin + path)
    return page_cache.per_request("origin") + path  # Markup + str escapes the path


def keep_redirects_on_site(response):
    """A Location that Werkzeug built from the request's Host (strict-slash redirects) becomes
    relative, or goes to SITE_URL: a redirect never names a host the client made up."""
    if not 300 <= response.status_code < 400:
        return response
    location = response.headers.get("Location")
    if not location:
        return response
    parts = urlsplit(location)
    if parts.scheme in ("http", "https") and parts.netloc.lower() == request.host.lower():
        relative = urlunsplit(("", "", parts.path or "/", parts.query, parts.fragment))
        response.headers["Location"] = site_origin() + relative
    return response


class HostGuard:
    """WSGI middleware: a request whose Host is not trusted gets a Vietnamese 400 before the
    app runs (no hooks, no statistics, no session). Wrapped inside ProxyFix, so behind the
    configured proxies it checks the forwarded host."""

    def __init__(self, app, trusted: list[str], home: str) -> None:
        self.app = app
        self.trusted = trusted
        self.home = home

    def __call__(self, environ, start_response):
        try:
            get_host(environ, self.trusted)
        except SecurityError:
            log.debug("refused Host %r", environ.get("HTTP_HOST"))
            return refused(environ, self.home)(environ, start_response)
        return self.app(environ, start_response)


def refused(environ, home: str) -> Response:
    path = environ.get("PATH_INFO", "")
    if path.startswith("/api/") or "application/json" in environ.get("HTTP_ACCEPT", ""):
        body = json.dumps({"error": 400, "title": REFUSED_TITLE, "message": REFUSED_MESSAGE},
                          ensure_ascii=False)  # fmt: skip
        response = Response(body, 400, mimetype="application/json")
    else:
        link = f'<p><a href="{escape(home)}">« Về trang chủ</a></p>' if home else ""
        body = (
            '<!doctype html><html lang="vi"><head><meta charset="utf-8">'
            f"<title>{REFUSED_TITLE}</title></head><body><main>"
            f"<p>400</p><h1>{REFUSED_TITLE}</h1><p>{REFUSED_MESSAGE}</p>{link}"
            "</main></body></html>"
        )
        response = Response(body, 400, mimetype="text/html")
    response.headers["Content-Security-Policy"] = "default-src 'none'; frame-ancestors 'none'"
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "no-store"
    return response


def init_app(app: Flask) -> None:
    """Read SITE_URL and TRUSTED_HOSTS; guard the Host when either is set. Call before
    ProxyFix wraps the app, so the guard sees the host the trusted proxy forwarded."""
    origin = parse_site_url(app.config["SITE_URL"]) if app.config.get("SITE_URL") else ""
    app.extensions["site_url"] = origin
    trusted = host_list(app.config.get("TRUSTED_HOSTS"))
    if origin or trusted:
        if origin:
            trusted.insert(0, urlsplit(origin).hostname or "")
        trusted += [host for host in LOCAL_HOSTS if host not in trusted]
        # Flask checks the same list natively when it builds URLs: both agree, ours answers
        # first with a readable page (Flask's own check fails later, inside the error page).
        app.config["TRUSTED_HOSTS"] = trusted
        app.wsgi_app = HostGuard(app.wsgi_app, trusted, origin)
    else:
        app.config["TRUSTED_HOSTS"] = None
    page_cache.register_request_value("origin", request_origin)
    app.add_template_global(absolute_url, "absolute_url")
    app.after_request(keep_redirects_on_site)
