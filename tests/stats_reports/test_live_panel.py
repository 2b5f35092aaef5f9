"""The staff's live panel (app/stats/live_panel.py, live_routes.py, the hub's staff topic):
its numbers from real page views, who reads what and how readers move, staff-only access,
the stream's frames and bounds, publishing only while someone watches, and the readers'
stream and API left exactly as small as they were."""

from __future__ import annotations

import json
import threading
import time

import pytest
from auth_helpers import Clock, logged_in_client, logout
from document_files import pdf_bytes
from stats_helpers import GOOGLEBOT, T0, publish, visitor

from app.extensions import redis_store
from app.redis_keys import names
from app.stats import live_panel, live_routes
from app.stats.hub import PING, STAFF_END, StaffTopic
from app.stats.services import get_service

pytestmark = [pytest.mark.contextless, pytest.mark.timeout(60)]

WINDOW = 300  # ONLINE_WINDOW_SECONDS (the default)
READER_KEYS = {"online", "today", "total", "bots_online", "updated", "items"}


@pytest.fixture
def clock() -> Clock:
    return Clock(T0)  # on a ten-second boundary: the minute's buckets are whole


@pytest.fixture
def app_config(clock) -> dict:
    return {"STATS_CLOCK": clock, "STATS_STREAM_HEARTBEAT": 1}


@pytest.fixture
def articles(app):
    """Two published articles (the news feature names and links them: report_items)."""
    return publish(app, "Lũ quét ở Mường Tè"), publish(app, "Lịch tiếp công dân tháng 6")


def panel(app) -> dict:
    with app.app_context():
        return live_panel.read(get_service())


def reading(app) -> list[tuple[str, int]]:
    return [(row["item"], row["readers"]) for row in panel(app)["reading"]]


def readers(app, n: int, start: int = 1) -> list:
    return [visitor(app, ip=f"203.0.113.{i}") for i in range(start, start + n)]


def test_panel_numbers_from_page_views(app, articles):
    a, b = articles
    first, second, third, fourth = readers(app, 4)
    for client, path in ((first, a.url), (second, a.url), (third, b.url), (fourth, "/")):
        assert client.get(path).status_code == 200
    bot = visitor(app, ip="66.249.66.1", user_agent=GOOGLEBOT)
    assert bot.get(a.url).status_code == 200

    shown = panel(app)

    assert shown["online"] == 4  # the bot is not a reader
    assert shown["views_1m"] == 4  # nor are its page views
    assert shown["readers"] == 3 and shown["items"] == 2
    assert [(r["item"], r["readers"]) for r in shown["reading"]] == [
        (f"article:{a.id}", 2),
        (f"article:{b.id}", 1),
    ]
    top = shown["reading"][0]
    assert top["title"] == "Lũ quét ở Mường Tè"
    assert top["url"] == a.url
    assert top["kind"] == "Bài viết"


def test_a_reader_who_moves_moves_in_the_table(app, articles, clock):
    a, b = articles
    first, second = readers(app, 2)
    first.get(a.url)
    second.get(a.url)
    assert reading(app) == [(f"article:{a.id}", 2)]

    clock.advance(20)
    first.get(b.url)
    assert reading(app) == [(f"article:{a.id}", 1), (f"article:{b.id}", 1)]

    clock.advance(20)
    first.get("/")  # a page of no item: reads nothing, still online
    shown = panel(app)
    assert [(r["item"], r["readers"]) for r in shown["reading"]] == [(f"article:{a.id}", 1)]
    assert shown["online"] == 2 and shown["readers"] == 1


def test_documents_are_read_too_and_a_download_moves_nobody(app, articles, make_document):
    a, _ = articles
    guide = make_document(files=[(pdf_bytes(), "Hướng dẫn.pdf")])
    first, second = readers(app, 2)
    first.get(a.url)
    second.get(guide.url)
    for client in (second, first):  # a download is no page view: nobody moves
        with client.get(f"/van-ban/tep/{guide.files[0]}") as download:
            assert download.status_code == 200

    shown = panel(app)["reading"]

    assert sorted((r["item"], r["readers"]) for r in shown) == sorted(
        [(f"article:{a.id}", 1), (f"document:{guide.id}", 1)]
    )
    document = next(r for r in shown if r["item"].startswith("document:"))
    assert (document["title"], document["url"], document["kind"]) == (
        guide.title,
        guide.url,
        "Văn bản",
    )


def test_readers_out_of_the_window_leave(app, articles, clock):
    a, _ = articles
    early, late = readers(app, 2)
    early.get(a.url)
    clock.advance(WINDOW - 10)
    late.get(a.url)
    assert reading(app) == [(f"article:{a.id}", 2)]

    clock.advance(11)  # `early` read WINDOW + 1 s ago
    shown = panel(app)
    assert shown["online"] == 1
    assert [(r["item"], r["readers"]) for r in shown["reading"]] == [(f"article:{a.id}", 1)]

    clock.advance(WINDOW)
    shown = panel(app)
    assert (shown["online"], shown["readers"], shown["reading"]) == (0, 0, [])
    assert shown["views_1m"] == 0


def test_views_of_the_last_minute(app, clock):
    clients = readers(app, 3)
    for client in clients:
        client.get("/")  # three views at T0, in the bucket starting at T0
    clock.advance(30)
    clients[0].get("/")
    assert panel(app)["views_1m"] == 4

    clock.advance(25)  # T0 + 55 s: T0's bucket is wholly inside the minute
    assert panel(app)["views_1m"] == 4
    clock.advance(10)  # T0 + 65 s: half of T0's bucket is (its views counted as spread)
    assert panel(app)["views_1m"] == 1 + round(3 * 0.5)
    clock.advance(5)  # T0 + 70 s: T0's bucket has left the minute
    assert panel(app)["views_1m"] == 1
    assert live_panel.minute_views([10, 0, 0, 0, 0, 0, 1], 7_000) == 1 + 3  # 30 % of 10


def test_more_items_than_shown_are_counted(app, clock):
    redis = redis_store.client
    keys = names(app)
    now = int(T0 * 1000)
    for i in range(25):
        redis.zadd(keys.key("online"), {f"c:r{i}": now})
        redis.hset(keys.key("where"), f"c:r{i}", f"article:{1000 + i}")
        redis.zincrby(keys.key("reading"), 1, f"article:{1000 + i}")  # as the page view does
    with app.app_context():
        shown = live_panel.read(get_service())
    assert len(shown["reading"]) == live_panel.TOP_ITEMS
    assert shown["items"] == 25 and shown["readers"] == 25
    # Rows gone from SQL are still counted, shown without a title or a link.
    assert all(row["title"] is None and row["url"] is None for row in shown["reading"])


# --- Access ------------------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/admin/stats/live/stream", "/admin/stats/live/live.json"])
def test_anonymous_gets_no_data(app, path):
    reader = visitor(app)
    page = reader.get(path)
    assert page.status_code == 302 and "/auth/login" in page.headers["Location"]
    api = reader.get(path, headers={"Accept": "application/json"})
    assert api.status_code == 401
    assert b"online" not in page.data + api.data


def test_staff_get_the_panel_as_json(app, articles, editor_user):
    a, _ = articles
    visitor(app).get(a.url)
    editor = logged_in_client(app, editor_user)

    answer = editor.get("/admin/stats/live/live.json")

    assert answer.status_code == 200
    assert answer.headers["Cache-Control"] == "no-store"
    data = answer.get_json()
    assert data["online"] == 1 and data["views_1m"] == 1
    assert data["reading"][0]["item"] == f"article:{a.id}"


def test_hostile_title_is_escaped_in_the_panel(app, editor_user):
    hostile = publish(app, '"><img src=x onerror=alert(1)><script>alert(2)</script>')
    visitor(app).get(hostile.url)
    editor = logged_in_client(app, editor_user)

    html = editor.get("/admin/stats/").get_data(as_text=True)

    assert "Đang diễn ra" in html and "Đang đọc" in html
    assert "<img src=x" not in html and "<script>alert(2)" not in html
    assert "&lt;img src=x onerror=alert(1)&gt;&lt;script&gt;alert(2)&lt;/script&gt;" in html


def test_empty_panel_says_nobody_reads(app, editor_user):
    editor = logged_in_client(app, editor_user)
    html = editor.get("/admin/stats/").get_data(as_text=True)
    assert "Chưa có ai đang đọc bài nào." in html
    assert "data-live-empty hidden" not in html


# --- The stream --------------------------------------------------------------------------


class Streams:
    """Staff streams a test opened; closed when it ends."""

    def __init__(self) -> None:
        self.opened: list = []

    def open(self, client, method: str = "GET"):
        response = client.open("/admin/stats/live/stream", method=method, buffered=False,
                               headers={"Accept": "text/event-stream"})  # fmt: skip
        self.opened.append(response)
        if response.status_code == 200 and method == "GET":
            response.chunks = iter(response.response)
            response.first = next(response.chunks)
        return response

    def close(self) -> None:
        for response in self.opened:
            response.close()


@pytest.fixture
def streams():
    opened = Streams()
    yield opened
    opened.close()


def frames(chunk: bytes) -> list[dict]:
    return [json.loads(line[6:]) for line in chunk.decode().split("\n")
            if line.startswith("data: ")]  # fmt: skip


def read_until(response, predicate, timeout: float) -> dict | None:
    """Read the stream (a heartbeat each second keeps it moving) until a frame matches."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        chunk = next(response.chunks)
        if chunk.startswith(b"event: live\n"):
            for frame in frames(chunk):
                if predicate(frame):
                    return frame
    return None


def staff_topic(app) -> StaffTopic:
    return app.extensions["stats_runner"].hub.staff


def test_stream_sends_the_panel_then_who_arrives(app, articles, editor_user, streams):
    a, _ = articles
    editor = logged_in_client(app, editor_user)
    stream = streams.open(editor)

    assert stream.status_code == 200
    assert stream.headers["Content-Type"].startswith("text/event-stream")
    assert "no-cache" in stream.headers["Cache-Control"]
    assert stream.headers["X-Accel-Buffering"] == "no"
    assert stream.first.startswith(b"retry: 3000\n\nevent: live\ndata: {")
    first = frames(stream.first)[0]
    assert (first["online"], first["reading"]) == (0, [])
    # While the panel is open, its process keeps the watch up and the job publishes.
    assert redis_store.client.exists(names(app).key("staff_watch"))

    visitor(app).get(a.url)
    arrived = read_until(stream, lambda f: f["reading"], 5)

    assert arrived is not None, "no frame with the new reader within 5 s"
    assert arrived["online"] == 1 and arrived["views_1m"] == 1
    assert arrived["reading"] == [{"item": f"article:{a.id}", "kind": "Bài viết",
                                   "title": "Lũ quét ở Mường Tè", "url": a.url,
                                   "readers": 1}]  # fmt: skip
    stream.close()
    assert staff_topic(app).clients == 0


def test_idle_stream_sends_heartbeats(app, editor_user, streams):
    stream = streams.open(logged_in_client(app, editor_user))
    started = time.monotonic()
    while (chunk := next(stream.chunks)) != PING:
        assert time.monotonic() - started < 5, chunk
    assert time.monotonic() - started < 3


def test_readers_stream_carries_no_staff_data(app, articles, editor_user, streams):
    a, _ = articles
    reader = visitor(app, ip="198.51.100.7")
    reader_stream = reader.get("/stats/stream", buffered=False)
    streams.opened.append(reader_stream)
    reader_chunks = iter(reader_stream.response)
    staff_stream = streams.open(logged_in_client(app, editor_user))

    visitor(app).get(a.url)
    assert read_until(staff_stream, lambda f: f["reading"], 5) is not None

    seen = b"".join(next(reader_chunks) for _ in range(4))
    assert b"event: live" not in seen
    for frame in frames(seen):
        assert set(frame) <= READER_KEYS, frame
    api = reader.get("/api/stats").get_json()
    assert set(api) <= READER_KEYS, api


def test_stream_slots_are_bounded_per_user_and_head_takes_none(app, editor_user, streams):
    editor = logged_in_client(app, editor_user)
    head = streams.open(editor, method="HEAD")
    assert head.status_code == 200 and head.data == b""
    assert staff_topic(app).clients == 0

    opened = [streams.open(editor) for _ in range(3)]
    assert [s.status_code for s in opened] == [200, 200, 200]
    refused = streams.open(editor)
    assert refused.status_code == 429
    assert "quá nhiều thẻ" in refused.get_json()["message"]
    assert staff_topic(app).clients == 3

    opened[0].close()
    again = streams.open(editor)
    assert again.status_code == 200
    # Staff streams hold none of the readers' slots, and keep nobody online.
    hub = app.extensions["stats_runner"].hub
    assert hub.clients == 0 and hub.connected_visitors() == []


def test_stream_of_an_ended_session_says_so_and_ends():
    topic = StaffTopic("test:staff")
    alive = threading.Event()
    alive.set()
    body = topic.serve("u:1", b"event: live\ndata: {}\n\n", 0, 10.0,
                       allowed=alive.is_set, recheck=0.2)  # fmt: skip
    assert next(body).startswith(b"event: live")
    topic.broadcast('{"online":1}')
    assert next(body) == b'event: live\ndata: {"online":1}\n\n'
    alive.clear()
    assert next(body) == STAFF_END
    with pytest.raises(StopIteration):
        next(body)
    assert topic.clients == 0


def test_session_check_fails_after_logout(app, editor_user):
    editor = logged_in_client(app, editor_user)
    with editor.session_transaction() as session:
        token = session["_user_id"]
    alive = live_routes._session_check(app, token)
    assert alive() is True
    logout(editor)
    assert alive() is False


# --- Publishing --------------------------------------------------------------------------


def test_publish_only_while_watched_and_changed(app, articles):
    a, _ = articles
    redis = redis_store.client
    keys = names(app)
    subscriber = redis.pubsub(ignore_subscribe_messages=True)
    subscriber.subscribe(keys.key("staff_channel"))

    def published() -> list[dict]:
        messages = []
        while (message := subscriber.get_message(timeout=0.2)) is not None:
            messages.append(json.loads(message["data"]))
        return messages

    with app.app_context():
        service = get_service()
        assert live_panel.publish(service) is False  # nobody watches
        assert published() == []

        live_panel.watch(service)
        assert redis.ttl(keys.key("staff_watch")) <= live_panel.WATCH_SECONDS
        assert live_panel.publish(service) is True
        assert live_panel.publish(service) is False  # unchanged
        visitor(app).get(a.url)
        assert live_panel.publish(service) is True
        messages = published()
        assert [m["online"] for m in messages] == [0, 1]
        assert messages[1]["reading"][0]["item"] == f"article:{a.id}"

        redis.delete(keys.key("staff_watch"))  # the last panel closed: its TTL ran out
        visitor(app, ip="203.0.113.99").get(a.url)
        assert live_panel.publish(service) is False
        assert published() == []
    subscriber.close()


def test_keep_watch_only_while_this_process_serves_a_panel(app, editor_user, streams):
    hub = app.extensions["stats_runner"].hub
    key = names(app).key("staff_watch")
    with app.app_context():
        live_panel.keep_watch(get_service(), hub)
    assert not redis_store.client.exists(key)

    stream = streams.open(logged_in_client(app, editor_user))
    redis_store.client.delete(key)
    with app.app_context():
        live_panel.keep_watch(get_service(), hub)
    assert redis_store.client.exists(key)
    stream.close()
    redis_store.client.delete(key)
    with app.app_context():
        live_panel.keep_watch(get_service(), hub)
    assert not redis_store.client.exists(key)


def test_busy_when_the_process_holds_its_staff_streams():
    topic = StaffTopic("test:staff")
    bodies = [topic.serve(f"u:{i}", b"x", 0, 10.0) for i in range(20)]
    for body in bodies:
        next(body)
    assert topic.refusal("u:99") == "full"
    late = topic.serve("u:99", b"x", 0, 10.0, busy=b"busy")
    assert next(late) == b"busy"
    for body in bodies:
        body.close()
    assert topic.clients == 0 and topic.refusal("u:99") == ""


def test_redis_away_the_page_still_answers_and_the_panel_says_so(app, editor_user):
    editor = logged_in_client(app, editor_user)
    with app.app_context():
        service = get_service()
        service._trip(ConnectionError("test: Redis is away"))  # the breaker is open

    page = editor.get("/admin/stats/")
    answer = editor.get("/admin/stats/live/live.json")

    assert page.status_code == 200
    assert "Chưa đọc được số liệu trực tiếp." in page.get_data(as_text=True)
    assert answer.status_code == 503 and "Redis" in answer.get_json()["message"]
    service.redis_back()


# --- Cost and failures ---------------------------------------------------------------------


def test_reading_the_panel_is_not_linear_in_the_online_set(app):
    """100,000 visitors online: the read touches `reading`'s top and counts, never each
    visitor (before: HMGET of every member, ~110 ms of Redis at 100k, every second)."""
    redis = redis_store.client
    keys = names(app)
    now = int(T0 * 1000)
    pipe = redis.pipeline(transaction=False)
    for start in range(0, 100_000, 10_000):
        batch = range(start, start + 10_000)
        pipe.zadd(keys.key("online"), {f"c:v{i}": now for i in batch})
        pipe.hset(keys.key("where"), mapping={f"c:v{i}": f"article:{i % 500}" for i in batch})
    pipe.zadd(keys.key("reading"), {f"article:{i}": 200 + (i == 7) for i in range(500)})
    pipe.execute()
    with app.app_context():
        service = get_service()
        live_panel.read(service)  # script loaded, titles cached
        redis.config_resetstat()
        shown = live_panel.read(service)
    stats = redis.info("commandstats")
    assert shown["online"] == 100_000 and shown["readers"] == 100_000 and shown["items"] == 500
    assert [r["item"] for r in shown["reading"][:3]] == ["article:7", "article:0", "article:1"]
    assert not {"cmdstat_hmget", "cmdstat_hgetall", "cmdstat_hvals"} & stats.keys()
    assert stats["cmdstat_evalsha"]["usec_per_call"] < 10_000  # µs; O(log n): ~0.1 ms


def test_a_panel_that_cannot_be_read_never_trips_the_page_views_breaker(app, monkeypatch):
    def broken(*args, **kwargs):
        raise ConnectionError("test: the panel's read timed out")

    monkeypatch.setattr(live_panel, "read", broken)
    with app.app_context():
        service = get_service()
        live_panel.watch(service)
        assert live_panel.publish(service) is False  # the job: logged
        assert live_panel.current_panel() is None  # a page: "unavailable"
        assert service.redis_available()


def test_readers_counts_that_drifted_are_counted_again_on_a_small_site(app, monkeypatch):
    redis = redis_store.client
    keys = names(app)
    now = int(T0 * 1000)
    for i in range(4):  # written by a previous release: `where` without `reading`
        redis.zadd(keys.key("online"), {f"c:r{i}": now})
        redis.hset(keys.key("where"), f"c:r{i}", f"article:{1 + i % 2}")
    redis.zadd(keys.key("reading"), {"article:9": 3})  # and a stale count
    with app.app_context():
        service = get_service()
        live_panel.watch(service)
        monkeypatch.setattr(live_panel, "REBUILD_ONLINE", 3)  # too many online: left alone
        live_panel.publish(service)
        assert redis.zrange(keys.key("reading"), 0, -1) == ["article:9"]

        monkeypatch.setattr(live_panel, "REBUILD_ONLINE", 10_000)
        redis.delete(keys.key("lock", "reading_rebuild"))  # a minute later
        live_panel.publish(service)
        assert redis.zrange(keys.key("reading"), 0, -1, withscores=True) == [
            ("article:1", 2.0),
            ("article:2", 2.0),
        ]
        assert [(r["item"], r["readers"]) for r in live_panel.read(service)["reading"]] == [
            ("article:1", 2),
            ("article:2", 2),
        ]


def test_a_panel_published_while_the_stream_opens_follows_its_first_frame(
    app, editor_user, streams, monkeypatch
):
    staff = staff_topic(app)
    current = live_panel.current_panel

    def published_meanwhile():
        panel = current()
        newer = dict(panel, online=42)
        staff.broadcast(live_panel.encode(newer))  # lands while the first frame is built
        return panel

    monkeypatch.setattr(live_panel, "current_panel", published_meanwhile)
    stream = streams.open(logged_in_client(app, editor_user))
    assert frames(stream.first)[0]["online"] == 0
    assert read_until(stream, lambda f: f["online"] == 42, 3) is not None
