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

from flask import Flask, request
from markupsafe import Markup
from werkzeug.datastructures import Headers
from werkzeug.wrappers import Request

from app import page_cache
from app.embeds import FRAME_HOSTS

NONCE_KEY = "nonce"
# Set by a page that runs TinyMCE (templates/news/admin/_body_editor.html).
STYLE_ATTRIBUTES_KEY = "portal.csp_style_attributes"
# TinyMCE writes a few style attributes of its own inside its editing frame (the marker it
# scrolls the caret into view with: `<span style="display: inline-block">`), which no option
# turns off. Pages with the editor, and only they (admin pages, never cached), allow inline
# style attributes; scripts, <style> elements and every reader's page stay as strict.
EDITOR_RELAXATION = "; style-src-attr 'unsafe-inline'"


def current_nonce(req: Request | None = None, app: Flask | None = None) -> str:
    """This response's nonce, made on first use (kept in the request's environ, so the page
    cache's fast path and Flask's path share it)."""
    environ = (req if req is not None else request).environ
    nonce = environ.get("portal.csp_nonce")
    if nonce is None:
        nonce = environ["portal.csp_nonce"] = secrets.token_urlsafe(16)
    return nonce


def csp_nonce() -> Markup:
    """The nonce for an inline <script>/<style> in a template (cache-safe)."""
    return page_cache.per_request(NONCE_KEY)


def allow_style_attributes() -> str:
    """For a template that runs TinyMCE: this response's policy allows style attributes
    (EDITOR_RELAXATION). Returns an empty string, so it can be called from a template."""
    request.environ[STYLE_ATTRIBUTES_KEY] = True
    return ""


def content_security_policy(external_images: bool) -> str:
    """The policy, with `{nonce}` where each response's nonce goes."""
    images = "'self' data: https:" if external_images else "'self' data:"
    return (
        "default-src 'self'; script-src 'self' 'nonce-{nonce}'; "
        "style-src 'self' 'nonce-{nonce}'; "
        f"img-src {images}; font-src 'self'; connect-src 'self'; media-src 'self'; "
        # pdf.js runs its parser in a worker loaded from our own static files; frames: ours
        # (the PDF preview) and the video embeds app/embeds.py builds, nothing else.
        f"worker-src 'self'; frame-src 'self' {' '.join(FRAME_HOSTS)}; frame-ancestors 'self'; "
        "object-src 'none'; "
        "base-uri 'self'; form-action 'self'"
    )


# Sent unless the response set its own; lower-case names for the membership test.
FIXED_HEADERS = (
    ("x-content-type-options", "X-Content-Type-Options", "nosniff"),
    # For browsers that predate frame-ancestors.
    ("x-frame-options", "X-Frame-Options", "SAMEORIGIN"),
    ("referrer-policy", "Referrer-Policy", "strict-origin-when-cross-origin"),
    ("permissions-policy", "Permissions-Policy", "camera=(), microphone=(), geolocation=()"),
)


def add_headers(app: Flask, headers: Headers, req: Request, view=None) -> None:
    # One pass over the few headers there are: Werkzeug's `in`/setdefault scan them per call.
    present = {name.lower() for name, _ in headers.items()}
    if "content-security-policy" not in present:
        policy = app.extensions["csp_policy"]
        if req.environ.get(STYLE_ATTRIBUTES_KEY):
            policy += EDITOR_RELAXATION
        headers.add("Content-Security-Policy", policy.replace("{nonce}", current_nonce(req)))
    for key, name, value in FIXED_HEADERS:
        if key not in present:
            headers.add(name, value)
    seconds = app.config["HSTS_SECONDS"]
    if seconds and "strict-transport-security" not in present and req.is_secure:
        # No includeSubDomains: an agency's other subdomains may still be plain HTTP.
        headers.add("Strict-Transport-Security", f"max-age={int(seconds)}")


def init_app(app: Flask) -> None:
    app.extensions["csp_policy"] = content_security_policy(
        bool(app.config.get("ARTICLE_EXTERNAL_IMAGES", False))
    )
    page_cache.register_request_value(NONCE_KEY, current_nonce)
    app.add_template_global(csp_nonce, "csp_nonce")
    app.add_template_global(allow_style_attributes, "csp_allow_style_attributes")
    page_cache.add_response_hook(app, add_headers)
