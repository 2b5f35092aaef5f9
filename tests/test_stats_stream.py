"""GET /stats/stream and GET /api/stats against a real gunicorn + gevent server (2 workers):
framing and headers, heartbeat, fan-out to streams on every worker, the throttle on both
edges, Redis connections per process (not per client), and recovery from a Redis restart."""

from __future__ import annotations

import contextlib
import json
import socket
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime

import pytest
from live_server import BROWSER_UA, LiveServer, SSEClient, live_server, pump, wait_until

from app.redis_keys import DEFAULT as REDIS_KEYS

HEARTBEAT = 2  # seconds, FLASK_STATS_STREAM_HEARTBEAT for these servers
# These tests open up to 200 streams from one address and browser without a cookie: no
# per-address or per-visitor share (tests/test_stream_slots.py checks those).
ENV = {"FLASK_STATS_STREAM_HEARTBEAT": str(HEARTBEAT), "FLASK_STATS_STREAM_PER_IP": "0",
       "FLASK_STATS_STREAM_PER_VISITOR": "0"}  # fmt: skip
WORKERS = 2
KEYS = {"online", "today", "total", "bots_online", "updated"}

pytestmark = pytest.mark.timeout(90)


@pytest.fixture(scope="module")
def server():
    with live_server(WORKERS, ENV) as running:
        yield running


@pytest.fixture
def streams():
    """Streams opened by a test; all closed when it ends, whatever happened."""
    opened: list[SSEClient] = []
    yield opened
    for stream in opened:
        stream.close()


def assert_stats_payload(payload: dict, exact: bool = False) -> None:
    """The contract's members and types; `exact`: and nothing else (DESIGN.md, Contracts)
    but the optional "items" map of live item counters ("kind:id" -> int) the README adds."""
    if exact:
        extra = set(payload) - KEYS
        assert extra <= {"items"}, f"members beyond the contract: {extra}"
        items = payload.get("items", {})
        assert all(type(v) is int and ":" in k for k, v in items.items()), items
    assert KEYS <= set(payload), f"contract members missing: {KEYS - set(payload)}"
    for key in KEYS - {"updated"}:
        assert type(payload[key]) is int and payload[key] >= 0, (key, payload)
    updated = datetime.fromisoformat(payload["updated"])
    assert updated.tzinfo is not None, f"'updated' has no time zone: {payload['updated']}"


def open_stream(server: LiveServer, streams: list[SSEClient]) -> SSEClient:
    """A stream that has delivered its first `event: stats`."""
    stream = server.stream()
    streams.append(stream)
    assert stream.status == 200, (stream.status, stream.first_bytes, server.log())
    assert stream.wait_for(lambda m: m.is_stats, 5), f"no first event: {stream.first_bytes!r}"
    return stream


def open_streams_on_every_worker(server: LiveServer, streams: list[SSEClient], minimum: int = 6,
                                 limit: int = 30) -> dict[int, list[SSEClient]]:  # fmt: skip
    """At least `minimum` streams, more until each worker holds one (at most `limit`)."""
    by_worker: dict[int, list[SSEClient]] = {}
    workers = set(server.worker_pids())
    for n in range(limit):
        stream = open_stream(server, streams)
        by_worker.setdefault(server.connection_owner(stream.local_port), []).append(stream)
        if n + 1 >= minimum and workers <= set(by_worker):
            break
    assert workers <= set(by_worker), (
        f"{limit} streams all landed on workers {sorted(by_worker)} of {sorted(workers)}"
    )
    return by_worker


def settle(streams: list[SSEClient], quiet: float = 1.3) -> None:
    """Read until nothing has been published for `quiet` seconds (at most 8 s), so the next
    change goes out on the leading edge."""

    def quiet_enough() -> bool:
        last = max((m.at for s in streams for m in s.stats_events()), default=0.0)
        return time.monotonic() - last >= quiet

    assert pump(streams, 8, quiet_enough), "the streams never went quiet"


# --- The stream's contract ---------------------------------------------------------------------


def test_stream_headers_and_first_bytes(server, streams):
    expected = server.api_stats()
    stream = server.stream()
    streams.append(stream)

    assert stream.status == 200
    assert stream.headers["content-type"].startswith("text/event-stream")
    assert "no-cache" in stream.headers["cache-control"]
    assert stream.headers["x-accel-buffering"] == "no"

    first = stream.wait_for(lambda m: m.is_stats, 2)
    assert first is not None, f"no event: stats in the first bytes: {stream.first_bytes!r}"
    # `retry:` comes first, then the current numbers, before anything else.
    assert stream.first_bytes.startswith(b"retry: "), stream.first_bytes
    assert stream.messages[0].retry is not None and stream.messages[0].retry > 0
    assert stream.messages[1] is first
    assert b"event: stats\ndata: {" in stream.first_bytes
    payload = first.json()
    assert_stats_payload(payload)
    assert payload["total"] == expected["total"]
    assert payload["today"] == expected["today"]
    assert_stats_payload(payload, exact=True)


def test_idle_stream_sends_a_comment_heartbeat(server, streams):
    stream = open_stream(server, streams)

    ping = stream.wait_for(lambda m: m.is_ping, 3 * HEARTBEAT + 1)

    assert ping is not None, f"no heartbeat in {3 * HEARTBEAT + 1} s: {stream.messages}"
    assert ping.comments == ["ping"]
    before = stream.messages[stream.messages.index(ping) - 1]
    # Sent after `heartbeat` seconds without a message (not later: proxies cut idle streams).
    assert ping.at - before.at <= HEARTBEAT + 0.75, (ping.at - before.at, stream.messages)
    assert ping.at - before.at >= HEARTBEAT - 0.5, (ping.at - before.at, stream.messages)
    following = stream.wait_for(lambda m: m.is_ping, HEARTBEAT + 1.5)
    assert following is not None, "the heartbeat did not repeat"
    assert stream.closed is False


# --- Fan-out --------------------------------------------------------------------------------


def test_page_view_reaches_streams_on_every_worker_within_two_seconds(server, streams):
    by_worker = open_streams_on_every_worker(server, streams)
    settle(streams)
    before = {id(s): s.last_stats()["total"] for s in streams}

    server.page_view()
    viewed = time.monotonic()

    def everyone_has_it() -> bool:
        return all(s.last_stats()["total"] > before[id(s)] for s in streams)

    pump(streams, 2.0, everyone_has_it)
    late = {
        pid: sum(1 for s in group if s.last_stats()["total"] <= before[id(s)])
        for pid, group in by_worker.items()
    }
    assert everyone_has_it(), f"streams without the new numbers after 2 s, by worker: {late}"
    for stream in streams:
        arrival = next(
            m.at for m in stream.stats_events() if m.json()["total"] > before[id(stream)]
        )
        assert arrival - viewed <= 2.0
        assert_stats_payload(stream.last_stats())
    final = server.api_stats()
    assert all(s.last_stats()["total"] == final["total"] for s in streams)


def test_burst_is_throttled_on_both_edges(server, streams):
    open_streams_on_every_worker(server, streams, minimum=4)
    settle(streams)
    before = server.api_stats()["total"]
    hits = 30
    times: list[float] = []

    def view(_):
        server.page_view()
        times.append(time.monotonic())

    with ThreadPoolExecutor(max_workers=6) as pool:
        started = time.monotonic()
        futures = [pool.submit(view, i) for i in range(hits)]
        pump(streams, 10, lambda: all(f.done() for f in futures))
        for future in futures:
            future.result(timeout=10)
    ended = max(times)
    final = server.api_stats()["total"]
    assert final == before + hits, "each page view by a new visitor is a new visit"

    def all_final() -> bool:
        return all(s.last_stats()["total"] == final for s in streams)

    pump(streams, 3.0, all_final)
    pump(streams, 1.2)  # anything more that would come (nothing should)

    for stream in streams:
        events = stream.stats_events(since=started)
        totals = [e.json()["total"] for e in events]
        assert events, "no event at all for the burst"
        # Leading edge: the first change goes out at once, not after a second.
        assert events[0].at - started <= 0.75, (events[0].at - started, totals)
        # At most ~2 messages in any second (the design: one per second).
        for first, third in zip(events, events[2:], strict=False):
            assert third.at - first.at >= 1.0, f"3 events within 1 s: {totals}"
        assert len(events) <= 2 + int(events[-1].at - started), totals
        # Trailing edge: the last change of the burst is delivered, soon after it ends.
        assert totals[-1] == final, f"last event shows {totals[-1]}, /api/stats says {final}"
        assert events[-1].at - ended <= 2.0, events[-1].at - ended
        assert totals == sorted(totals), f"numbers went backwards: {totals}"


# --- Resources and failures ---------------------------------------------------------------------


@pytest.fixture(scope="module")
def fresh_server():
    """A server of its own: no earlier test has grown its Redis connection pools."""
    with live_server(WORKERS, ENV) as running:
        yield running


def redis_clients_with_more_streams(server: LiveServer, streams: list[SSEClient], total: int,
                                    at_once: bool) -> tuple[int, int, dict]:  # fmt: skip
    """Redis' connected clients with one stream per worker, then with `total` streams."""
    try:
        open_streams_on_every_worker(server, streams, minimum=2)
        time.sleep(1.0)  # each worker's subscriber is up
        baseline = server.redis_connected_clients()
        if at_once:
            more = [server.stream(read_headers=False) for _ in range(total - len(streams))]
            streams.extend(more)
            for stream in more:
                stream.read_headers(10)
                assert stream.status == 200
            assert pump(more, 10, lambda: all(s.stats_events() for s in more)), "not served"
        else:
            while len(streams) < total:
                open_stream(server, streams)
        owners = Counter(server.connection_owner(s.local_port) for s in streams)
        return baseline, server.redis_connected_clients(), dict(owners)
    finally:
        for stream in streams:  # closed before the server stops: no graceful wait for them
            stream.close()


def test_redis_connections_do_not_grow_with_stream_clients(fresh_server, streams):
    """One subscriber per process: holding 40 streams costs no more Redis connections than
    holding 2 (flask-sse held one per client)."""
    baseline, with_40, owners = redis_clients_with_more_streams(fresh_server, streams, 40, False)

    assert with_40 - baseline <= 2, (
        f"Redis clients: {baseline} with 2 streams open, {with_40} with 40 (per worker: {owners})"
    )


def test_redis_connections_do_not_grow_when_streams_connect_at_once(fresh_server, streams):
    """After a deploy every browser reconnects within `retry:` of the others: 200 streams
    connecting together must not grow the workers' Redis connections either."""
    baseline, with_200, owners = redis_clients_with_more_streams(fresh_server, streams, 200, True)

    assert with_200 - baseline <= 2, (
        f"Redis clients: {baseline} with 2 streams open, {with_200} after 198 more connected "
        f"at once (per worker: {owners})"
    )


def test_stream_resumes_after_a_redis_restart(server, streams):
    open_streams_on_every_worker(server, streams)
    settle(streams, quiet=1.5)  # AOF everysec: let the last writes reach the disk
    before = server.api_stats()["total"]

    server.kill_redis()
    try:
        down = server.page_view()  # the site keeps serving; the hit is buffered
        assert "Tổng lượt truy cập" in down.text
        time.sleep(1.0)
    finally:
        server.start_redis()
    restarted = time.monotonic()

    viewed = 1
    deadline = restarted + 15

    def all_resumed() -> bool:
        return all(s.last_stats()["total"] > before for s in streams)

    while not all_resumed() and time.monotonic() < deadline:
        server.page_view()
        viewed += 1
        pump(streams, min(1.0, max(0.0, deadline - time.monotonic())), all_resumed)
    stale = [s.last_stats()["total"] for s in streams if s.last_stats()["total"] <= before]
    assert all_resumed(), (
        f"{len(stale)} of {len(streams)} streams got no new numbers within 15 s of the "
        f"restart (total before: {before}, they show {stale})\n{server.log()}"
    )
    assert all(not s.closed for s in streams), "streams were dropped"

    # No page view is lost: the one made while Redis was down is replayed.
    expected = before + viewed
    assert wait_until(lambda: server.api_stats()["total"] == expected, 10, 0.25), (
        f"/api/stats total {server.api_stats()['total']}, expected {expected}"
    )
    assert pump(streams, 3, lambda: all(s.last_stats()["total"] == expected for s in streams))


# --- GET /api/stats --------------------------------------------------------------------------


def test_api_stats_contract(server):
    result = server.get("/api/stats", {"Accept": "application/json"})

    assert result.status == 200
    assert result.headers["Content-Type"].startswith("application/json")
    cache = result.headers.get("Cache-Control", "")
    assert "no-store" in cache or "no-cache" in cache, cache
    payload = result.json()
    assert_stats_payload(payload)
    assert payload["today"] <= payload["total"]

    # Reading the numbers is not a page view; a page view by a new visitor is a new visit.
    assert server.api_stats()["total"] == payload["total"]
    server.page_view()
    after = server.api_stats()
    assert after["total"] == payload["total"] + 1
    assert after["today"] == payload["today"] + 1
    assert after["online"] >= 1
    assert_stats_payload(payload, exact=True)


# --- Slow and old clients (the worker writes each message to every socket itself) ---------------


@pytest.fixture(scope="module")
def one_worker():
    """One gevent worker serving every stream, fed messages published straight on the
    channel by the tests (made-up numbers: no other test shares this server)."""
    with live_server(1, ENV) as running:
        yield running


def publish_raw(server: LiveServer, payload: dict) -> str:
    """Publish `payload` on the live-stats channel as the throttle would; its JSON text."""
    text = json.dumps(payload, separators=(",", ":"))
    with contextlib.closing(server.redis_client()) as client:
        assert client.publish(REDIS_KEYS.channel, text) >= 1, "no subscriber on the channel"
    return text


def made_up(total: int, pad: int = 0) -> dict:
    numbers = {"online": 1, "today": total, "total": total, "bots_online": 0,
               "updated": "2026-01-01T00:00:00+07:00"}  # fmt: skip
    return {**numbers, "pad": "x" * pad} if pad else numbers


def test_a_stream_that_stops_reading_skips_to_the_newest_numbers_intact(one_worker, streams):
    """A client that reads nothing while 12 MB of messages go out holds up nobody, gets no
    backlog, and when it reads again finds whole frames, in order, ending with the newest."""
    slow = open_stream(one_worker, streams)
    reader = open_stream(one_worker, streams)
    pump([slow, reader], 0.3)
    base = 10_000_000
    published = {}
    # 48 messages of 256 KB: far more than the socket buffers of a client that does not read
    # hold (a send buffer of at most 4 MB here, a receive window that does not grow).
    for k in range(1, 49):
        published[base + k] = publish_raw(one_worker, made_up(base + k, 256 * 1024))
        # The reading client keeps up meanwhile (only `reader` is read here).
        assert reader.wait_for(lambda m, k=k: m.is_stats and m.json()["total"] == base + k, 5), (
            f"a stream that reads got stuck at message {k} behind one that does not"
        )
    newest = publish_raw(one_worker, made_up(base + 49))
    published[base + 49] = newest
    assert reader.wait_for(lambda m: m.is_stats and m.data == newest, 5)

    def slow_has_newest() -> bool:
        return any(m.data == newest for m in slow.stats_events())

    assert pump([slow], 20, slow_has_newest), "the slow stream never got the newest numbers"
    events = [m for m in slow.stats_events() if m.json()["total"] > base]
    totals = [m.json()["total"] for m in events]
    for event in events:  # every frame whole: byte for byte what was published
        assert event.data == published[event.json()["total"]], "a frame arrived mangled"
    assert totals == sorted(set(totals)), f"frames repeated or out of order: {totals}"
    assert len(totals) < 49, "the slow stream was sent every message: a backlog per client"
    assert not slow.closed


def test_an_http_1_0_stream_gets_frames_without_chunk_framing(one_worker):
    """HTTP/1.0 has no chunked encoding: the body is the bare event stream."""
    with socket.create_connection((one_worker.host, one_worker.port), timeout=5) as sock:
        sock.sendall(f"GET /stats/stream HTTP/1.0\r\nHost: {one_worker.host}\r\n"
                     f"User-Agent: {BROWSER_UA}\r\n\r\n".encode())  # fmt: skip
        received = b""

        def read_until(needle: bytes) -> bool:
            nonlocal received
            deadline = time.monotonic() + 5
            while needle not in received and time.monotonic() < deadline:
                sock.settimeout(max(0.01, deadline - time.monotonic()))
                try:
                    data = sock.recv(65536)
                except TimeoutError:
                    break
                if not data:
                    break
                received += data
            return needle in received

        assert read_until(b"\n\n" + b"event: stats\ndata: {"), received
        head, _, body = received.partition(b"\r\n\r\n")
        assert head.startswith(b"HTTP/1.0 200"), head
        assert b"transfer-encoding" not in head.lower(), head
        assert body.startswith(b"retry: "), body
        assert read_until(b"}\n\n"), received
        text = publish_raw(one_worker, made_up(20_000_000))
        frame = f"event: stats\ndata: {text}\n\n".encode()
        assert read_until(frame), received
        body = received.partition(b"\r\n\r\n")[2]
        assert body.endswith(frame), body[-300:]
        assert b"\r\n" not in body, f"chunk framing in an HTTP/1.0 body: {body[:300]!r}"
