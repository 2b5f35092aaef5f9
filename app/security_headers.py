"""Security headers on every response: a Content-Security-Policy with a per-response nonce,
framing only by our own pages, no MIME sniffing, a cautious referrer, HSTS over HTTPS.

The site's templates carry no inline script or style at all (handlers are data attributes
read by static/js/confirm.js, layout is CSS classes); the nonce is there for the day one is
needed: `<script nonce="{{ csp_nonce() }}">`. In a cached page it is a blank the page cache
fills per response, so each response's nonce is new and matches its own header.

A response that sets its own policy (the sandboxed PDF preview) keeps it.
"""

from __future__ import annotations

import secrets

from flask import Flask, current_app, g, request
from markupsafe import Markup

from app import page_cache

NONCE_KEY = "nonce"


def current_nonce() -> str:
    """This response's nonce, made on first use."""
    nonce = g.get("csp_nonce")
    if nonce is None:
        nonce = g.csp_nonce = secrets.token_urlsafe(16)
    return nonce


def csp_nonce() -> Markup:
    """The nonce for an inline <script>/<style> in a template (cache-safe)."""
    return page_cache.per_request(NONCE_KEY)


def content_security_policy(external_images: bool) -> str:
    """The policy, with `{nonce}` where each response's nonce goes."""
    images = "'self' data: https:" if external_images else "'self' data:"
    return (
        "default-src 'self'; script-src 'self' 'nonce-{nonce}'; "
        "style-src 'self' 'nonce-{nonce}'; "
        f"img-src {images}; font-src 'self'; connect-src 'self'; media-src 'self'; "
        # pdf.js runs its parser in a worker loaded from our own static files.
        "worker-src 'self'; frame-src 'self'; frame-ancestors 'self'; object-src 'none'; "
        "base-uri 'self'; form-action 'self'"
    )


def add_headers(response):
    headers = response.headers
    if "Content-Security-Policy" not in headers:
        policy = current_app.extensions["csp_policy"]
        headers["Content-Security-Policy"] = policy.replace("{nonce}", current_nonce())
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("X-Frame-Options", "SAMEORIGIN")  # for browsers without frame-ancestors
    headers.setdefault("Referrer-Policy", "strict-origin-when-cross-origin")
    headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
    seconds = current_app.config["HSTS_SECONDS"]
    if seconds and request.is_secure:
        # No includeSubDomains: an agency's other subdomains may still be plain HTTP.
        headers.setdefault("Strict-Transport-Security", f"max-age={int(seconds)}")
    return response


def init_app(app: Flask) -> None:
    app.extensions["csp_policy"] = content_security_policy(
        bool(app.config.get("ARTICLE_EXTERNAL_IMAGES", False))
    )
    page_cache.register_request_value(NONCE_KEY, current_nonce)
    app.add_template_global(csp_nonce, "csp_nonce")
    app.after_request(add_headers)
