"""Only the server issues visitor identities (issue 9 §3).

The visitor cookie is signed with the app's secret key; a made-up, unsigned or tampered
cookie counts as no cookie, so one client sending made-up cookies adds at most one visitor to
each number, one download, one banner click, and a live-stats connection never puts anyone
online. Redis keys: per-visitor keys expire (so a volatile-* eviction policy may drop them),
counter keys never do. Real Redis, real database, a clock the test moves.
"""

from __future__ import annotations

import io
import re
import secrets
from datetime import date

import pytest
from auth_helpers import Clock
from stats_helpers import BROWSER, GOOGLEBOT, T0, headline, publish, visitor

from app.extensions import db, redis_store
from app.redis_keys import DEFAULT as KEYS
from app.visitor import COOKIE_NAME, sign, verify

MINUTE = 60.0
ATTACKER = "198.51.100.66"


@pytest.fixture
def clock() -> Clock:
    return Clock(T0)


# No app context stays pushed during a test (conftest's `app`); the statistics read the
# test's clock.
pytestmark = pytest.mark.contextless


@pytest.fixture
def app_config(clock) -> dict:
    return {"STATS_CLOCK": clock}


def issued_cookie(response) -> str:
    """The visitor cookie value a response sets ("" when it sets none)."""
    for header in response.headers.getlist("Set-Cookie"):
        match = re.match(rf"{COOKIE_NAME}=([^;]*)", header)
        if match:
            return match.group(1)
    return ""


def made_up_cookies(app, n: int, genuine: str) -> list[str]:
    """`n` distinct cookies nobody was issued: random ids (unsigned, as before signing),
    ids with a made-up signature, ids signed with another key, and a genuine cookie with one
    character of its id or its signature changed."""
    visitor_id, signature = genuine.split(".")
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
    cookies: list[str] = []
    for i in range(n):
        kind, k = i % 5, i // 5
        if kind == 0:
            cookies.append(secrets.token_urlsafe(18))
        elif kind == 1:
            cookies.append(f"{secrets.token_urlsafe(18)}.{secrets.token_urlsafe(16)[:22]}")
        elif kind == 2:
            cookies.append(sign(secrets.token_urlsafe(18), "not-the-secret-key"))
        elif kind == 3:  # one character of the id changed, the signature kept
            at = k % len(visitor_id)
            shift = 1 + k // len(visitor_id)
            changed = alphabet[(alphabet.index(visitor_id[at]) + shift) % len(alphabet)]
            cookies.append(f"{visitor_id[:at]}{changed}{visitor_id[at + 1 :]}.{signature}")
        else:  # the id kept, a made-up signature
            cookies.append(f"{visitor_id}.{secrets.token_urlsafe(16)[:22]}")
    assert len(set(cookies)) == n
    assert not any(verify(c, app.secret_key)[0] for c in cookies)
    return cookies


def genuine_cookie(app) -> str:
    """A cookie the server issued to some other reader."""
    response = visitor(app, ip="203.0.113.200").get("/")
    value = issued_cookie(response)
    assert value, "a new reader got no visitor cookie"
    return value


def with_cookie(app, cookie: str, ip: str = ATTACKER, user_agent: str = BROWSER):
    """A client that sends exactly this visitor cookie and keeps none it is given."""
    client = visitor(app, ip=ip, user_agent=user_agent, cookies=False)
    client.environ_base["HTTP_COOKIE"] = f"{COOKIE_NAME}={cookie}"
    return client


# --- the cookie ------------------------------------------------------------------------------


def test_a_new_reader_gets_a_cookie_signed_by_the_server(app):
    response = visitor(app).get("/")

    value = issued_cookie(response)
    visitor_id, current = verify(value, app.secret_key)
    assert visitor_id and current, value
    assert value.startswith(visitor_id + ".")
    assert verify(value, "another-secret-key") == ("", False)
    assert "HttpOnly" in response.headers["Set-Cookie"]


def test_a_reader_who_keeps_the_signed_cookie_stays_one_visitor(app, clock):
    reader = visitor(app)
    first = issued_cookie(reader.get("/"))
    for _ in range(3):
        clock.advance(MINUTE)
        response = reader.get("/")
        assert issued_cookie(response) == ""  # nothing to hand out again

    assert first
    assert headline(app) == (1, 1, 1)


def test_two_hundred_made_up_cookies_from_one_client_add_at_most_one_to_each_number(app):
    cookies = made_up_cookies(app, 200, genuine_cookie(app))
    before = headline(app)

    handed_out = set()
    for cookie in cookies:
        response = with_cookie(app, cookie).get("/")
        assert response.status_code == 200
        given = issued_cookie(response)
        assert verify(given, app.secret_key)[1], "a made-up cookie was not replaced"
        handed_out.add(given)

    after = headline(app)
    grew = tuple(a - b for a, b in zip(after, before, strict=True))
    assert all(0 <= g <= 1 for g in grew), f"online/today/total grew by {grew}"
    assert grew[2] == 1  # the client itself is one (cookieless) visitor
    assert len(handed_out) == 200  # each answer offers a fresh signed cookie


def test_made_up_cookies_from_several_browsers_add_one_visitor_each(app):
    """The IP+UA hash tells clients without a valid cookie apart, as before signing."""
    cookies = made_up_cookies(app, 30, genuine_cookie(app))
    before = headline(app)
    agents = [BROWSER, BROWSER + " Edg/120.0", BROWSER + " OPR/106.0"]

    for i, cookie in enumerate(cookies):
        with_cookie(app, cookie, user_agent=agents[i % 3]).get("/")

    assert headline(app)[2] - before[2] == 3


def test_a_cookie_from_before_signing_is_replaced_by_a_signed_one(app, clock):
    """Readers' unsigned cookies of the previous release count as no cookie once, then
    the signed cookie they get keeps them one visitor."""
    old = secrets.token_urlsafe(18)
    reader = visitor(app)
    reader.set_cookie(COOKIE_NAME, old, domain="localhost")

    given = issued_cookie(reader.get("/"))
    assert verify(given, app.secret_key)[1]
    assert not given.startswith(old)
    clock.advance(MINUTE)
    assert issued_cookie(reader.get("/")) == ""

    assert headline(app) == (1, 1, 1)


def test_a_signed_cookie_shown_from_another_network_is_the_same_visitor(app, clock):
    """The signature, not the address, makes the visitor: a phone changing networks."""
    cookie = issued_cookie(visitor(app, ip="203.0.113.1").get("/"))
    clock.advance(MINUTE)

    with_cookie(app, cookie, ip="198.51.100.99").get("/")

    assert headline(app) == (1, 1, 1)


# --- key rotation ------------------------------------------------------------------------------


def test_a_cookie_signed_with_a_retired_key_keeps_its_visitor_and_is_signed_again(
    make_stats_app, clock
):
    old_app = make_stats_app(SECRET_KEY="the-old-key")
    cookie = issued_cookie(visitor(old_app).get("/"))
    visitor_id, _ = verify(cookie, "the-old-key")
    assert headline(old_app) == (1, 1, 1)

    rotated = make_stats_app(flush=False, SECRET_KEY="the-new-key",
                             SECRET_KEY_FALLBACKS=["the-old-key"])  # fmt: skip
    clock.advance(MINUTE)
    response = with_cookie(rotated, cookie, ip="203.0.113.10").get("/")

    assert headline(rotated) == (1, 1, 1)  # the same visit of the same visitor
    assert issued_cookie(response) == sign(visitor_id, "the-new-key")
    assert verify(issued_cookie(response), "the-new-key") == (visitor_id, True)


def test_a_cookie_signed_with_a_key_no_longer_configured_counts_as_no_cookie(make_stats_app, clock):
    old_app = make_stats_app(SECRET_KEY="the-old-key")
    cookie = issued_cookie(visitor(old_app).get("/"))

    renewed = make_stats_app(flush=False, SECRET_KEY="the-new-key")
    response = with_cookie(renewed, cookie, ip="198.51.100.5").get("/")

    given = issued_cookie(response)
    assert verify(given, "the-new-key")[1]
    assert given.split(".")[0] != cookie.split(".")[0]
    assert headline(renewed)[2] == 2  # a visitor of its own, by its address and browser


# --- downloads, banner clicks -----------------------------------------------------------------


def make_document_with_file(app) -> tuple[int, int, str]:
    """A published document with one PDF; (document id, file id, page URL)."""
    from app.documents.operations import (
        attach_file,
        create_document,
        get_or_create_issuer,
        get_or_create_type,
    )

    with app.app_context():
        document = create_document(
            code="1-HD/TEST", title="Văn bản thử nghiệm", summary="Trích yếu.",
            type=get_or_create_type("Hướng dẫn"), issuer=get_or_create_issuer("Ban thử nghiệm"),
            issued_on=date(2024, 6, 1),
        )  # fmt: skip
        pdf = b"%PDF-1.4\nthu nghiem\ntrailer<<>>\n%%EOF\n"
        attached = attach_file(document, io.BytesIO(pdf), "Tệp.pdf")
        return document.id, attached.id, f"/van-ban/{document.slug}"


def downloads_shown(app, document_id: int, url: str) -> int:
    page = visitor(app, ip="203.0.113.250").get(url).text
    values = re.findall(rf'data-live-item="document_download:{document_id}">([\d,]+)<', page)
    assert values, "the document page shows no live download count"
    return int(values[0].replace(",", ""))


def test_made_up_cookies_add_at_most_one_download(app):
    document_id, file_id, url = make_document_with_file(app)
    cookies = made_up_cookies(app, 50, genuine_cookie(app))

    for cookie in cookies:
        response = with_cookie(app, cookie).get(f"/van-ban/tep/{file_id}", buffered=True)
        assert response.status_code == 200

    assert downloads_shown(app, document_id, url) == 1


def test_made_up_cookies_add_at_most_one_banner_click(app):
    from app.blocks.models import Banner

    with app.app_context():
        banner = Banner(title="Cổng tỉnh", target_url="https://dichvucong.example.gov.vn/")
        db.session.add(banner)
        db.session.commit()
        banner_id = banner.id
    cookies = made_up_cookies(app, 50, genuine_cookie(app))

    for cookie in cookies:
        assert with_cookie(app, cookie).get(f"/lien-ket/{banner_id}").status_code == 302

    with app.app_context():
        assert db.session.get(Banner, banner_id).clicks == 1


# --- the live-stats heartbeat --------------------------------------------------------------------


def test_the_stream_heartbeat_never_puts_a_visitor_online(app, clock):
    store = app.extensions["stats"].store
    made_up = [secrets.token_urlsafe(18) for _ in range(100)]

    store.heartbeat(made_up, now=clock.now)

    assert headline(app)[0] == 0
    assert redis_store.client.zcard(KEYS.key("online")) == 0


def test_the_stream_heartbeat_keeps_a_counted_visitor_online(app, clock):
    cookie = issued_cookie(visitor(app).get("/"))
    visitor_id, _ = verify(cookie, app.secret_key)
    store = app.extensions["stats"].store

    clock.advance(4 * MINUTE)
    assert store.heartbeat([visitor_id], now=clock.now) == 1
    clock.advance(4 * MINUTE)  # 8 minutes after the page view, 4 after the heartbeat

    assert headline(app)[0] == 1
    clock.advance(2 * MINUTE)  # no heartbeat since: gone after the 5-minute window
    assert headline(app)[0] == 0


# --- Redis memory: what may be evicted ------------------------------------------------------------

PER_VISITOR = ("visit:", "seen:", "hlink:", "hits:")
COUNTERS = ("total", "init", "day:", "hour:", "uv:", "pending:", "flushing:", "live:",
            "content:version", "online", "pub:",
            "ua:", "bots:", "ref:", "geo:", "uvh:", "uvp:", "where", "reading")  # fmt: skip
LEASES = ("lock:",)  # short-lived locks of periodic jobs, not counters
WINDOWS = ("pv10:",)  # the live panel's page views of ten seconds: always short-lived


def test_per_visitor_keys_expire_and_counter_keys_never_do(app, clock):
    """Redis runs with a volatile-* policy: it may only evict keys with a TTL, so every
    per-visitor key must have one and no counter may."""
    article = publish(app, "Bài viết đo bộ nhớ")
    document_id, file_id, url = make_document_with_file(app)
    for n in range(5):  # new readers: page views, an article, a document, a download
        reader = visitor(app, ip=f"203.0.113.{n + 1}")
        reader.get("/")
        reader.get(article.url)
        reader.get(url)
        reader.get(f"/van-ban/tep/{file_id}", buffered=True)
    visitor(app, ip="198.51.100.1", cookies=False).get("/")  # a client keeping no cookie
    visitor(app, ip="66.249.66.1", user_agent=GOOGLEBOT).get("/")
    with_cookie(app, "made-up-cookie-value-123").get("/")
    clock.advance(0.3)
    visitor(app, ip="203.0.113.77").get("/")  # within the second: a trailing-edge mark
    store = app.extensions["stats"].store
    assert store.trail_due() is not None
    assert store.take_batch("document", "batch-1") is not None  # a flush in progress

    client = redis_store.client
    keys = sorted(k for k in client.scan_iter(match=KEYS.stats + "*", count=1000))
    ttls = {key.removeprefix(KEYS.stats): client.ttl(key) for key in keys}
    assert any(k.startswith("visit:") for k in ttls) and any(k.startswith("pub:") for k in ttls)

    wrong = []
    for name, ttl in ttls.items():
        if name.startswith(PER_VISITOR + WINDOWS):
            if ttl <= 0:
                wrong.append(f"per-visitor key {name} never expires")
        elif name.startswith(COUNTERS):
            if ttl != -1:
                wrong.append(f"counter key {name} has a TTL ({ttl} s): it could be evicted")
        elif name.startswith(LEASES):
            if ttl <= 0:
                wrong.append(f"lock {name} never expires")
        else:
            wrong.append(f"unclassified key {name} (TTL {ttl}): is it a counter or per visitor?")
    assert not wrong, "\n".join(wrong)


@pytest.mark.parametrize(
    ("header", "found"),
    [
        ("vid=abc.def", "abc.def"),
        ("session=x; vid=abc.def; theme=dark", "abc.def"),
        ("xvid=evil; vid=abc.def", "abc.def"),  # another cookie's name ending in vid
        ("avid=evil", ""),
        ('vid="abc.def"', "abc.def"),  # a quoted value, as Werkzeug would unquote it
        ("vid=first; vid=second", "first"),
        ("", ""),
    ],
)
def test_the_visitor_cookie_is_read_from_the_cookie_header(header, found):
    from werkzeug.test import EnvironBuilder
    from werkzeug.wrappers import Request

    from app.visitor import cookie_of

    environ = EnvironBuilder(headers={"Cookie": header} if header else {}).get_environ()
    assert cookie_of(Request(environ)) == found
