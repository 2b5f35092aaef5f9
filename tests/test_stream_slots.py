"""Live-stats stream slots cannot be exhausted or leaked (issue 9 §4).

A slot is taken when a stream starts and given back when it ends, however it ends; HEAD takes
none; one address and one visitor only get a share (429 beyond it, the browser then polls);
and the per-process cap always leaves part of the worker's connections to pages.

First through the test client (the hub's own count), then end to end against gunicorn with
one gevent worker (so one hub holds every stream).
"""

from __future__ import annotations

import contextlib
import gc
import http.client
import secrets
import socket
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
from live_server import LiveServer, SSEClient, live_server, wait_until
from stats_helpers import BROWSER, visitor

from app.extensions import redis_store
from app.redis_keys import DEFAULT as KEYS
from app.stats.hub import client_gone, page_reserve, stream_cap
from app.visitor import COOKIE_NAME, sign, verify

VIETNAMESE_BUSY = "quá nhiều kết nối"


pytestmark = pytest.mark.contextless  # conftest's `app`, with no app context pushed


@pytest.fixture
def app_config() -> dict:
    return {"STATS_STREAM_CAP": 10, "STATS_STREAM_PER_IP": 6, "STATS_STREAM_PER_VISITOR": 2}


def hub_of(app):
    return app.extensions["stats_runner"].hub


def signed(app) -> str:
    """A visitor cookie as the server issues it."""
    return sign(secrets.token_urlsafe(18), app.secret_key)


class Streams:
    """Streams a test opened through the test client; all closed when it ends."""

    def __init__(self, app) -> None:
        self.app = app
        self.opened: list = []

    def request(self, ip: str = "203.0.113.1", cookie: str | None = None, method: str = "GET"):
        client = visitor(self.app, ip=ip, cookies=False)
        headers = {"Accept": "text/event-stream"}
        if cookie:
            headers["Cookie"] = f"{COOKIE_NAME}={cookie}"
        response = client.open("/stats/stream", method=method, headers=headers, buffered=False)
        self.opened.append(response)
        return response

    def open(self, ip: str = "203.0.113.1", cookie: str | None = None):
        """A GET whose stream has started (its first bytes read) when it answered 200."""
        response = self.request(ip, cookie)
        if response.status_code == 200:
            response.first = next(iter(response.response))
        return response

    def close(self) -> None:
        for response in self.opened:
            response.close()


@pytest.fixture
def streams(app):
    opened = Streams(app)
    yield opened
    opened.close()


def assert_refused(response, status: int) -> None:
    assert response.status_code == status, response.status_code
    assert response.headers["Retry-After"].isdigit()
    body = response.get_json()
    assert body["error"] == status
    if status == 429:
        assert VIETNAMESE_BUSY in body["message"], body


# --- taking and giving back ----------------------------------------------------------------------


def test_head_requests_take_no_stream_slot(app, streams):
    for _ in range(50):
        response = streams.request(method="HEAD")
        assert response.status_code == 200
        assert response.mimetype == "text/event-stream"
        assert response.headers["X-Accel-Buffering"] == "no"
        assert b"".join(response.response) == b""
        response.close()

    assert hub_of(app).clients == 0
    assert streams.open().status_code == 200  # the same address still gets a stream
    assert hub_of(app).clients == 1


def test_a_closed_stream_gives_its_slot_back(app, streams):
    opened = [streams.open(cookie=signed(app)) for _ in range(3)]
    assert [r.status_code for r in opened] == [200, 200, 200]
    assert all(r.first.startswith(b"retry: ") for r in opened)
    assert hub_of(app).clients == 3

    for response in opened:
        response.close()  # what the server does when the client has gone

    assert hub_of(app).clients == 0
    assert not hub_of(app).by_address and not hub_of(app).by_visitor
    assert not hub_of(app).connected_visitors()


def dispatch(app, cookie: str | None = None, ip: str = "203.0.113.1", environ=None):
    """The view's response, as the server gets it before sending anything (the test client
    would start the stream at once to read its first bytes)."""
    headers = {"User-Agent": BROWSER, "Accept": "text/event-stream"}
    if cookie:
        headers["Cookie"] = f"{COOKIE_NAME}={cookie}"
    environ = {"REMOTE_ADDR": ip, **(environ or {})}
    with app.test_request_context("/stats/stream", headers=headers, environ_base=environ):
        return app.full_dispatch_request()


def test_a_stream_never_started_takes_no_slot(app):
    """A response that is never iterated (the server failed before sending it) holds
    nothing, so nothing can leak."""
    response = dispatch(app, signed(app))
    assert response.status_code == 200

    assert hub_of(app).clients == 0
    response.close()
    assert hub_of(app).clients == 0


def test_a_stream_dropped_without_being_closed_gives_its_slot_back(app, streams):
    response = streams.open()
    assert hub_of(app).clients == 1
    streams.opened.remove(response)

    del response
    gc.collect()

    assert hub_of(app).clients == 0


def test_streams_ended_by_a_stopping_worker_give_their_slots_back(app, streams):
    opened = [streams.open(ip=f"203.0.113.{n}") for n in range(1, 4)]
    hub = hub_of(app)
    assert hub.clients == 3

    hub.close_streams()
    for response in opened:
        rest = list(response.response)  # each stream ends by itself, promptly
        assert len(rest) <= 1

    assert hub.clients == 0
    assert_refused(streams.request(ip="203.0.113.9"), 503)  # and no new one while stopping


def test_a_stream_that_loses_the_last_slot_asks_to_come_back_later(app):
    """Between the check and the start another stream may take the last slot: the late one
    then ends at once with a long `retry:`, holding nothing."""
    cookie = signed(app)
    late = [dispatch(app, cookie) for _ in range(3)]  # all checked, none started
    assert [r.status_code for r in late] == [200, 200, 200]
    try:
        first, second = next(iter(late[0].response)), next(iter(late[1].response))
        third = list(late[2].response)

        assert first.startswith(b"retry: 3000\n") and second.startswith(b"retry: 3000\n")
        assert third and third[0].startswith(b"retry: 30000\n")
        assert b"event: stats" not in b"".join(third)
        assert hub_of(app).clients == 2
    finally:
        for response in late:
            response.close()
    assert hub_of(app).clients == 0


def test_a_gone_client_is_told_apart_from_a_quiet_one():
    server_side, client_side = socket.socketpair()
    try:
        assert client_gone(server_side) is False  # connected, nothing sent: a quiet reader
        client_side.close()
        assert client_gone(server_side) is True
    finally:
        server_side.close()
    assert client_gone(server_side) is True  # a socket already closed on our side


def test_a_visitor_at_its_share_gets_the_slots_of_its_gone_streams_back(app, streams):
    """A reader moving from page to page leaves closed streams behind that the server has
    not written to yet: they do not count against the reader's next stream."""
    cookie = signed(app)
    pairs = [socket.socketpair() for _ in range(3)]
    try:
        opened = []
        for server_side, _ in pairs[:2]:
            response = dispatch(app, cookie, environ={"gunicorn.socket": server_side})
            next(iter(response.response))
            opened.append(response)
        streams.opened.extend(opened)
        assert hub_of(app).clients == 2
        assert_refused(streams.open(cookie=cookie), 429)  # both still there

        pairs[0][1].close()  # the reader left the first page
        third = dispatch(app, cookie, environ={"gunicorn.socket": pairs[2][0]})
        streams.opened.append(third)

        assert third.status_code == 200
        assert next(iter(third.response)).startswith(b"retry: 3000\n")
        assert hub_of(app).clients == 2
        assert len(hub_of(app).by_visitor["c:" + verify(cookie, app.secret_key)[0]]) == 2
    finally:
        for server_side, client_side in pairs:
            server_side.close()
            client_side.close()


# --- shares ------------------------------------------------------------------------------------


def test_one_visitor_gets_a_share_of_streams_then_429(app, streams):
    cookie = signed(app)
    assert [streams.open(cookie=cookie).status_code for _ in range(2)] == [200, 200]

    assert_refused(streams.open(cookie=cookie), 429)
    # Another browser behind the same address still gets its stream.
    assert streams.open(cookie=signed(app)).status_code == 200


def test_made_up_cookies_share_one_visitors_allowance(app, streams):
    made_up = [secrets.token_urlsafe(18) for _ in range(5)]
    assert not any(verify(c, app.secret_key)[0] for c in made_up)

    answers = [streams.open(cookie=c).status_code for c in made_up]

    assert answers == [200, 200, 429, 429, 429]


def test_one_address_gets_a_share_of_streams_then_429_while_another_address_streams(app, streams):
    answers = [streams.open(ip="198.51.100.7", cookie=signed(app)).status_code for _ in range(6)]
    assert answers == [200] * 6

    assert_refused(streams.open(ip="198.51.100.7", cookie=signed(app)), 429)
    assert streams.open(ip="198.51.100.8", cookie=signed(app)).status_code == 200


def test_ipv6_addresses_of_one_64_share_one_allowance(app, streams):
    answers = [streams.open(ip=f"2001:db8:0:1::{n}").status_code for n in range(1, 8)]

    assert answers == [200] * 6 + [429]
    assert streams.open(ip="2001:db8:0:2::1").status_code == 200


def test_the_process_cap_answers_503(app, streams):
    answers = [streams.open(ip=f"203.0.113.{n}").status_code for n in range(1, 12)]

    assert answers == [200] * 10 + [503]
    assert_refused(streams.request(ip="203.0.113.50"), 503)


def test_the_stream_cap_always_leaves_connections_for_pages():
    for connections in (60, 100, 1000, 5000, 12000, 50000):
        reserve = page_reserve(connections)
        assert reserve >= connections // 10 and reserve >= min(500, connections // 2)
        assert stream_cap(0, connections) == connections - reserve
        # A configured cap as large as the worker's connections (the old default) is
        # brought under the limit too.
        assert stream_cap(connections, connections) == connections - reserve
        assert stream_cap(20, connections) == min(20, connections - reserve)
    assert stream_cap(12000, 12000) == 10800
    assert stream_cap(0, None) > 0  # no gunicorn (the dev server): a finite default


# --- online ------------------------------------------------------------------------------------


def test_streams_with_made_up_cookies_put_nobody_online(make_contextless_app):
    app = make_contextless_app(STATS_STREAM_CAP=300)
    streams = Streams(app)
    try:
        before = visitor(app, ip="203.0.113.250").get("/api/stats").get_json()["online"]
        made_up = [secrets.token_urlsafe(18) for _ in range(100)]
        answers = [streams.open(ip=f"10.1.{n // 200}.{n % 200}", cookie=c).status_code
                   for n, c in enumerate(made_up)]  # fmt: skip
        assert answers == [200] * 100

        hub = hub_of(app)
        assert hub.connected_visitors() == []  # nobody the heartbeat would keep online
        store = app.extensions["stats"].store
        store.heartbeat(hub.connected_visitors() + made_up)  # even if it were given them
        after = visitor(app, ip="203.0.113.250").get("/api/stats").get_json()["online"]
        assert after == before
        assert redis_store.client.zcard(KEYS.key("online")) == before

        # A reader counted by a page view is kept online by its stream.
        reader = visitor(app, ip="203.0.113.5")
        reader.get("/")
        cookie = reader.get_cookie(COOKIE_NAME).value
        assert streams.open(ip="203.0.113.5", cookie=cookie).status_code == 200
        assert hub.connected_visitors() == [verify(cookie, app.secret_key)[0]]
        assert store.heartbeat(hub.connected_visitors()) == 1
    finally:
        streams.close()


# --- end to end: gunicorn, one gevent worker ------------------------------------------------------

WORKER_CONNECTIONS = 60  # stream cap: 60 - page_reserve(60) = 30
PER_IP, PER_VISITOR = 5, 2


@pytest.fixture(scope="module")
def server():
    env = {"WORKER_CONNECTIONS": str(WORKER_CONNECTIONS), "TRUSTED_PROXIES": "1",
           "FLASK_STATS_STREAM_PER_IP": str(PER_IP),
           "FLASK_STATS_STREAM_PER_VISITOR": str(PER_VISITOR),
           "FLASK_STATS_STREAM_HEARTBEAT": "1"}  # fmt: skip
    with live_server(1, env) as running:
        yield running


class LiveStreams:
    def __init__(self, server: LiveServer) -> None:
        self.server = server
        self.secret = (server.instance / "secret_key").read_text().strip()
        self.opened: list[SSEClient] = []

    def cookie(self) -> str:
        return sign(secrets.token_urlsafe(18), self.secret)

    def open(self, address: str, cookie: str | None = None) -> SSEClient:
        headers = {"X-Forwarded-For": address}
        if cookie:
            headers["Cookie"] = f"{COOKIE_NAME}={cookie}"
        stream = self.server.stream(headers=headers)
        self.opened.append(stream)
        if stream.status == 200:
            assert stream.wait_for(lambda m: m.is_stats, 5), stream.first_bytes
        else:
            stream.drain(0.2)
        return stream

    def close(self) -> None:
        for stream in self.opened:
            stream.close()


@pytest.fixture
def live(server):
    opened = LiveStreams(server)
    yield opened
    opened.close()


def head(server: LiveServer, address: str) -> tuple[int, dict[str, str], bytes]:
    connection = http.client.HTTPConnection(server.host, server.port, timeout=5)
    try:
        connection.request("HEAD", "/stats/stream", headers={"X-Forwarded-For": address})
        response = connection.getresponse()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, response.read()
    finally:
        connection.close()


@pytest.mark.timeout(90)
def test_live_head_requests_leave_every_slot_free(server, live):
    for _ in range(3 * PER_IP):
        status, headers, body = head(server, "192.0.2.10")
        assert status == 200
        assert headers["content-type"].startswith("text/event-stream")
        assert headers["x-accel-buffering"] == "no"
        assert body == b""

    opened = [live.open("192.0.2.10", live.cookie()) for _ in range(PER_IP)]
    assert [s.status for s in opened] == [200] * PER_IP


@pytest.mark.timeout(90)
def test_live_streams_whose_clients_left_give_their_slots_back(server, live):
    opened = [live.open("192.0.2.20", live.cookie()) for _ in range(PER_IP)]
    assert [s.status for s in opened] == [200] * PER_IP
    assert live.open("192.0.2.20", live.cookie()).status == 429

    for stream in opened:
        stream.close()  # the readers close their tabs

    reopened: list[SSEClient] = []

    def all_back() -> bool:
        stream = live.open("192.0.2.20", live.cookie())
        if stream.status == 200:
            reopened.append(stream)
        else:
            stream.close()
        return len(reopened) == PER_IP

    # The server notices a gone client at its next write (a heartbeat every second).
    assert wait_until(all_back, 15, 0.2), f"only {len(reopened)} of {PER_IP} slots came back"


@pytest.mark.timeout(90)
def test_live_a_reader_moving_between_pages_keeps_getting_a_stream(server, live):
    """Each page opens the stream anew and the last one's connection closes: the reader is
    never refused, however fast it moves, and never holds more than its share."""
    reader = live.cookie()
    for page in range(3 * PER_VISITOR):
        stream = live.open("192.0.2.40", reader)
        assert stream.status == 200, f"page {page + 1}: {stream.status}"
        stream.close()


@pytest.mark.timeout(90)
def test_live_shares_answer_429_while_another_address_still_streams(server, live):
    reader = live.cookie()
    assert [live.open("192.0.2.30", reader).status for _ in range(PER_VISITOR)] == [200, 200]
    refused = live.open("192.0.2.30", reader)
    assert refused.status == 429
    assert refused.headers["retry-after"].isdigit()
    assert refused.headers["content-type"].startswith("application/json")

    others = [live.open("192.0.2.30", live.cookie()).status for _ in range(PER_IP - PER_VISITOR)]
    assert others == [200] * (PER_IP - PER_VISITOR)
    assert live.open("192.0.2.30", live.cookie()).status == 429  # the address has its share
    assert live.open("192.0.2.31", live.cookie()).status == 200


@pytest.mark.timeout(120)
def test_live_stream_cap_leaves_room_for_pages(server, live):
    cap = WORKER_CONNECTIONS - page_reserve(WORKER_CONNECTIONS)
    addresses = (f"198.18.{n // 200}.{n % 200 + 1}" for n in range(10**6))

    def fill() -> tuple[int, int | None]:
        """Streams from distinct addresses until one is refused: (held, refusal status)."""
        held = 0
        for _ in range(WORKER_CONNECTIONS):
            stream = live.open(next(addresses), live.cookie())
            if stream.status != 200:
                return held, stream.status
            held += 1
        return held, None

    accepted, refused = fill()
    # Streams of the tests before may still be held until the server's next heartbeat
    # notices their clients left (1 s here): take what they give back too.
    deadline = time.monotonic() + 10
    while accepted < cap and refused == 503 and time.monotonic() < deadline:
        time.sleep(0.3)
        more, refused = fill()
        accepted += more
    assert refused == 503, f"{accepted} streams held, none refused"
    assert accepted == cap  # the worker's connections minus the reserve for pages

    def page(path: str) -> int:
        with contextlib.suppress(OSError):
            return server.get(path, {"User-Agent": BROWSER}, timeout=5).status
        return 0

    paths = ["/api/stats", "/"] * 10
    with ThreadPoolExecutor(10) as pool:
        answers = list(pool.map(page, paths))
    assert answers == [200] * len(paths), answers
