"""What counts as real use of the site, the only thing that extends the idle clock.

An allow-rule, decided after the response is known (a 404 or a refused form is no use):

- a successful (2xx/3xx) GET answered with an HTML page, that the browser navigated to
  (Sec-Fetch-Mode: navigate when the browser says; a request that does not accept HTML is no
  navigation) — not feeds, sitemaps, static files, images, the API, streams or fetch() calls;
- a POST whose CSRF token was valid and that was not refused (status below 400);
- the keepalive, which moves the clock itself (routes.keepalive).

A request marked `X-Activity: 0` (the page's own background calls) is never use.
"""

from __future__ import annotations

from flask import Flask, Response, g, request, session
from flask_login import current_user

from app.auth.operations import touch_session


def counts_as_activity(response: Response) -> bool:
    if request.headers.get("X-Activity") == "0" or response.status_code >= 400:
        return False
    if request.method == "POST":
        # Set by Flask-WTF's CSRFProtect once the token checked out.
        return bool(g.get("csrf_valid"))
    if request.method != "GET" or response.mimetype != "text/html":
        return False
    # A page the browser fetched ahead of a click that may never come (link prefetching).
    if "prefetch" in (request.headers.get("Sec-Purpose", "") + request.headers.get("Purpose", "")):
        return False
    mode = request.headers.get("Sec-Fetch-Mode")
    if mode is not None:
        return mode == "navigate"
    # Browsers without Fetch Metadata: a navigation asks for HTML (or anything).
    return "Accept" not in request.headers or request.accept_mimetypes.accept_html


def record_activity(response: Response) -> Response:
    # The session is looked at last: reading it adds `Vary: Cookie` to the response.
    if g.get("activity_recorded") or not counts_as_activity(response):
        return response
    if "_user_id" not in session:
        return response
    user = current_user._get_current_object()  # loaded already for almost every page
    if user.is_authenticated:
        touch_session(user)
    return response


def init_app(app: Flask) -> None:
    app.after_request(record_activity)
