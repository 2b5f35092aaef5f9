"""One vote per visitor, however many requests race (PITFALLS: vote races): the unique row
decides, on a live gunicorn server with gevent workers and on each database."""

from __future__ import annotations

import json
import re
import threading
import urllib.error
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor

import pytest
from live_server import BROWSER_UA, live_server
from rating_helpers import reader, stored, token_of, vote_url
from run_database import engine_for
from sqlalchemy import text

from app.news.models import ArticleStatus

RACERS = 50


@pytest.fixture(scope="module")
def racing_server():
    """Two gevent workers: racing requests land in both processes."""
    with live_server(2, {"FLASK_RATING_VOTES_PER_ADDRESS": "1000"}) as running:
        yield running


def _request(url: str, headers: dict, data: dict | None = None):
    body = urllib.parse.urlencode(data).encode() if data is not None else None
    request = urllib.request.Request(url, data=body, headers=headers)  # noqa: S310 - http
    try:
        with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        with error:
            return error.code, error.headers, error.read()


def _cookie(headers, name: str) -> str:
    for value in headers.get_all("Set-Cookie") or []:
        if value.startswith(name + "="):
            return value.split(";", 1)[0]
    raise AssertionError(f"no {name} cookie in {headers.get_all('Set-Cookie')}")


def _race(send) -> list:
    """`send(i)` from RACERS threads released at the same instant."""
    barrier = threading.Barrier(RACERS)

    def racer(i: int):
        barrier.wait()
        return send(i)

    with ThreadPoolExecutor(RACERS) as pool:
        return list(pool.map(racer, range(RACERS)))


def _one_counted(answers: list[dict]) -> int:
    """The stars of the single counted vote; every other racer was told that vote."""
    counted = [a for a in answers if a["status"] == "counted"]
    assert len(counted) == 1, [a["status"] for a in answers]
    stars = counted[0]["stars"]
    assert all(a["status"] == "already" and a["stars"] == stars for a in answers
               if a is not counted[0])  # fmt: skip
    assert {a["count"] for a in answers if a["status"] == "already"} <= {counted[0]["count"]}
    return stars


def test_fifty_concurrent_votes_of_one_visitor_on_a_live_server_record_one(racing_server):
    home = racing_server.get("/", {"User-Agent": BROWSER_UA})
    path = re.search(r'href="(/tin-tuc/[^"]+)"', home.text).group(1)
    status, headers, body = _request(racing_server.url(path), {"User-Agent": BROWSER_UA})
    assert status == 200
    vid = _cookie(headers, "vid")
    article_id = int(re.search(r'action="/danh-gia/(\d+)"', body.decode()).group(1))
    status, headers, body = _request(racing_server.url("/api/csrf"),
                                     {"User-Agent": BROWSER_UA, "Cookie": vid})  # fmt: skip
    token = json.loads(body)["token"]
    cookies = f"{vid}; {_cookie(headers, 'session')}"
    engine = engine_for(racing_server.database_url)
    totals = text("SELECT rating_total, rating_count FROM articles WHERE id = :id")
    votes = text("SELECT count(*) FROM rating_votes WHERE article_id = :id")
    with engine.connect() as database:
        before = tuple(database.execute(totals, {"id": article_id}).one())
        # the demo content may have votes on it already
        rows_before = database.scalar(votes, {"id": article_id})

    def send(i: int):
        headers = {"User-Agent": BROWSER_UA, "Cookie": cookies, "X-CSRFToken": token,
                   "Accept": "application/json"}  # fmt: skip
        return _request(racing_server.url(vote_url(article_id)), headers,
                        {"stars": str(i % 5 + 1)})  # fmt: skip

    results = _race(send)

    assert [status for status, _, _ in results] == [200] * RACERS, racing_server.log()
    stars = _one_counted([json.loads(body) for _, _, body in results])
    with engine.connect() as database:
        after = tuple(database.execute(totals, {"id": article_id}).one())
        rows = database.scalar(votes, {"id": article_id})
    engine.dispose()
    assert after == (before[0] + stars, before[1] + 1)
    assert rows == rows_before + 1
    page = racing_server.get(path, {"User-Agent": BROWSER_UA}).text
    assert f"{after[0]} trong {after[1]} đánh giá" in re.sub(r"<[^>]+>", "", page)


def _threaded_race(app):
    from app.dates import utcnow
    from app.news.operations import create_article, create_category

    with app.app_context():
        made = create_article(title="Bài bị bỏ phiếu dồn dập",
                              category=create_category("Tin tức", by=None), lead="Tóm tắt.",
                              status=ArticleStatus.PUBLISHED, published_at=utcnow())  # fmt: skip
        article_id, url = made.id, f"/tin-tuc/{made.slug}"
    first = reader(app, 1)
    assert first.get(url).status_code == 200  # the reader's visitor cookie
    token = token_of(first)
    cookies = {name: first.get_cookie(name).value for name in ("vid", "session")}

    def send(i: int):
        client = reader(app, 1)
        for name, value in cookies.items():
            client.set_cookie(name, value)
        headers = {"Accept": "application/json", "X-CSRFToken": token}
        return client.post(vote_url(article_id), data={"stars": str(i % 5 + 1)}, headers=headers)

    results = _race(send)

    assert [r.status_code for r in results] == [200] * RACERS
    stars = _one_counted([r.get_json() for r in results])
    assert stored(app, article_id) == (stars, 1, 1)


@pytest.mark.contextless
@pytest.mark.parametrize("app", [{"RATING_VOTES_PER_ADDRESS": 1000}], indirect=True)
@pytest.mark.sqlite_only("the PostgreSQL twin follows")
def test_fifty_concurrent_votes_of_one_visitor_record_one_on_sqlite(app):
    _threaded_race(app)


def test_fifty_concurrent_votes_of_one_visitor_record_one_on_postgresql(pg_app):
    pg_app.config["RATING_VOTES_PER_ADDRESS"] = 1000
    _threaded_race(pg_app)
