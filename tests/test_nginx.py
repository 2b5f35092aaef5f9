"""Debian's nginx with the site file of deploy/nginx/ in front of a real gunicorn server, over
HTTPS with a self-signed certificate: the live-stats stream goes through unbuffered, static
files and uploaded pictures come from nginx with the app's safety headers, the app sees each
client's real address whatever X-Forwarded-For the client sends, a body over the app's limit
gets nginx's 413 page in Vietnamese, and /metrics is closed to outside addresses. The nchan
variant: nginx holds the streams, the app publishes each message once.

Clients connect from other loopback addresses (127.0.0.2, 127.0.0.3) than nginx's own
(127.0.0.1), so that "the address the app sees" tells the client's from the proxy's.
"""

from __future__ import annotations

import contextlib
import http.client
import json
import mimetypes
import re
import shutil
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

import pytest
from live_server import (
    BROWSER_UA,
    LiveServer,
    free_port,
    live_server,
    unique_browser_ua,
    wait_until,
)
from nginx_server import NCHAN_MODULE, NGINX, ROOT, Nginx, nginx

pytestmark = [
    pytest.mark.skipif(
        not (Path(NGINX).exists() and shutil.which("openssl")), reason="needs nginx and openssl"
    ),
    pytest.mark.once,  # nginx and gunicorn do the same on either database
    pytest.mark.timeout(120),
]


@dataclass
class Site:
    app: LiveServer
    web: Nginx  # deploy/nginx/portal.conf as it comes: the app servers hold the streams
    nchan: Nginx  # the nchan variant in front of the same app: nginx holds them
    app_access_log: Path

    def app_requests(self) -> list[str]:
        """The request lines gunicorn's access log holds (what reached the app)."""
        with contextlib.suppress(FileNotFoundError):
            return re.findall(r'"((?:GET|POST|HEAD) [^"]*)"', self.app_access_log.read_text())
        return []


@dataclass
class Answer:
    status: int
    headers: http.client.HTTPMessage
    body: bytes


def connect(web: Nginx, source: str = "127.0.0.1") -> http.client.HTTPSConnection:
    return http.client.HTTPSConnection(
        "127.0.0.1", web.https_port, source_address=(source, 0), context=web.tls(), timeout=5
    )


def fetch(web: Nginx, path: str, *, source: str = "127.0.0.1", method: str = "GET",
          headers: dict[str, str] | None = None) -> Answer:  # fmt: skip
    conn = connect(web, source)
    try:
        conn.request(method, path, headers={"User-Agent": BROWSER_UA, **(headers or {})})
        response = conn.getresponse()
        return Answer(response.status, response.headers, response.read())
    finally:
        conn.close()


@contextlib.contextmanager
def open_stream(web: Nginx, source: str = "127.0.0.1", headers: dict[str, str] | None = None):
    """GET /stats/stream through nginx; yields the socket and the response, read as it
    arrives."""
    conn = connect(web, source)
    sock = None
    try:
        conn.request("GET", "/stats/stream", headers={
            "Accept": "text/event-stream", "User-Agent": unique_browser_ua(), **(headers or {}),
        })  # fmt: skip
        sock = conn.sock  # the connection lets go of it once the response has started
        response = conn.getresponse()
        try:
            yield sock, response
        finally:
            response.close()
    finally:
        conn.close()
        if sock is not None:
            sock.close()


def next_stats(response: http.client.HTTPResponse) -> dict:
    """The next `event: stats` message's numbers (each read waits at most the socket's 5 s)."""
    for _ in range(1000):
        line = response.readline()
        assert line, "the stream ended"
        if line.rstrip(b"\r\n") == b"event: stats":
            for _ in range(10):  # the message's other lines (nchan's `id:`), up to its data
                data = response.readline()
                if data.startswith(b"data: "):
                    return json.loads(data[len(b"data: ") :])
                assert data.strip(), "a stats message without data"
    raise AssertionError("no stats message")


def stats_after(response: http.client.HTTPResponse, total: int) -> dict:
    """The first message whose total is above `total`."""
    for _ in range(10):
        numbers = next_stats(response)
        if numbers["total"] > total:
            return numbers
    raise AssertionError(f"no message with a total above {total}")


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    folder = tmp_path_factory.mktemp("nginx")
    access = folder / "app-access.log"
    web_ports = (free_port(), free_port(), free_port())
    nchan_ports = (free_port(), free_port(), free_port())
    env = {
        "TRUSTED_PROXIES": "1",
        "FLASK_STATS_STREAM_PER_IP": "1",
        "ACCESS_LOG": str(access),
        "STATS_NCHAN_PUBLISH_URL": f"http://127.0.0.1:{nchan_ports[2]}/stats/publish",
    }
    # Two workers, each subscribed to the live channel (one of them relays to nchan).
    with live_server(workers=2, env=env) as app:
        with nginx(folder / "web", app.port, ports=web_ports) as web:
            with nginx(folder / "nchan", app.port, streams="nchan", ports=nchan_ports) as nchan:
                yield Site(app, web, nchan, access)


def test_stream_through_nginx_delivers_updates_unbuffered(site):
    with open_stream(site.web) as (_, stream):
        assert stream.status == 200
        assert stream.headers["Content-Type"].startswith("text/event-stream")
        first = next_stats(stream)  # the first message, while the connection stays open
        page = fetch(site.web, "/", headers={"User-Agent": unique_browser_ua()})
        assert page.status == 200
        update = stats_after(stream, first["total"])
        assert update["total"] == first["total"] + 1


def test_static_files_come_from_nginx_with_the_safety_headers(site):
    css = fetch(site.web, "/static/css/site.css")
    assert css.status == 200
    assert css.body == (ROOT / "static" / "css" / "site.css").read_bytes()
    assert css.headers["X-Content-Type-Options"] == "nosniff"
    assert css.headers["X-Frame-Options"] == "SAMEORIGIN"
    assert "default-src 'self'" in css.headers["Content-Security-Policy"]
    assert css.headers["Strict-Transport-Security"].startswith("max-age=")
    assert css.headers["Cache-Control"] == "no-cache"
    gzipped = fetch(site.web, "/static/css/site.css", headers={"Accept-Encoding": "gzip"})
    assert gzipped.headers["Content-Encoding"] == "gzip"
    # Versioned vendor files are kept for a year; module scripts get a script's type.
    vendor = fetch(site.web, "/static/vendor/tinymce-8.9.2/tinymce.min.js")
    assert vendor.status == 200
    assert "immutable" in vendor.headers["Cache-Control"]
    worker = fetch(site.web, "/static/vendor/pdfjs-6.5.438/pdf.worker.min.mjs")
    assert worker.status == 200
    assert worker.headers["Content-Type"] == "text/javascript"
    assert worker.headers["X-Content-Type-Options"] == "nosniff"
    # A page goes to the app (its log works), static files never do.
    assert fetch(site.web, "/").status == 200
    seen = wait_until(site.app_requests, 5)
    assert any(line.startswith("GET / ") for line in seen), seen
    assert not [line for line in site.app_requests() if "/static/" in line]


def test_uploaded_pictures_come_from_nginx_and_private_files_never(site):
    images = sorted((site.app.instance / "uploads" / "images").iterdir())
    assert images, "the demo has pictures"
    name = images[0].name
    answers = [fetch(site.web, f"/media/{name}") for _ in range(3)]
    assert [a.status for a in answers] == [200, 200, 200]
    assert [a.headers["X-Cache-Status"] for a in answers] == ["MISS", "HIT", "HIT"]
    for answer in answers:
        assert answer.body == images[0].read_bytes()
        # The app's guarantees come with the cached copy: never sniffed, never active.
        assert answer.headers["X-Content-Type-Options"] == "nosniff"
        assert answer.headers["Content-Security-Policy"] == "default-src 'none'"
        assert answer.headers["Content-Type"] == mimetypes.guess_type(name)[0]
    # gunicorn logs a request once it has answered: wait for the line.
    asked = wait_until(lambda: [line for line in site.app_requests() if name in line], 5)
    assert asked == [f"GET /media/{name} HTTP/1.1"]
    # A query string is no new copy to fetch from the app.
    assert fetch(site.web, f"/media/{name}?v=2").headers["X-Cache-Status"] == "HIT"
    # Document files and everything else under instance/ stay the app's to refuse.
    documents = sorted((site.app.instance / "uploads" / "documents").iterdir())
    assert documents, "the demo has document files"
    for path in (f"/media/{documents[0].name}", f"/uploads/documents/{documents[0].name}",
                 "/instance/portal.db", "/media/../instance/secret_key",
                 "/static/../instance/secret_key"):  # fmt: skip
        answer = fetch(site.web, path)
        assert answer.status in (400, 404), (path, answer.status)
        assert documents[0].read_bytes()[:64] not in answer.body


def test_the_app_sees_the_real_client_address_not_a_forged_one(site):
    # At most one stream per client address and server process (FLASK_STATS_STREAM_PER_IP=1).
    # Three streams from one client, each with another forged X-Forwarded-For: two of them
    # share one of the two workers, where the address the app sees is over its share.
    with contextlib.ExitStack() as held:
        statuses = []
        for forged in ("1.2.3.4", "5.6.7.8", "9.10.11.12"):
            _, stream = held.enter_context(
                open_stream(site.web, "127.0.0.2", {"X-Forwarded-For": forged})
            )
            statuses.append(stream.status)
            if stream.status == 200:
                next_stats(stream)
        assert sorted(statuses)[0] == 200 and statuses.count(429) >= 1, statuses
        # Other clients: their own addresses, not the proxy's, so each has a share of its own.
        for source in ("127.0.0.3", "127.0.0.4", "127.0.0.5"):
            _, other = held.enter_context(
                open_stream(site.web, source, {"X-Forwarded-For": "127.0.0.2"})
            )
            assert other.status == 200, source
            next_stats(other)


def test_the_app_knows_the_request_came_over_https(site):
    page = fetch(site.web, "/")
    # The app sends HSTS only over HTTPS, told by nginx's X-Forwarded-Proto.
    assert page.headers["Strict-Transport-Security"].startswith("max-age=")
    plain = http.client.HTTPConnection("127.0.0.1", site.web.http_port, timeout=5)
    try:
        plain.request("GET", "/van-ban/?q=x")
        redirect = plain.getresponse()
        assert redirect.status == 301
        assert redirect.headers["Location"] == "https://127.0.0.1/van-ban/?q=x"
    finally:
        plain.close()


def test_a_body_over_the_limit_gets_nginx_413_page(site):
    conn = connect(site.web)
    try:
        conn.putrequest("POST", "/lien-he")
        conn.putheader("Content-Type", "multipart/form-data; boundary=x")
        conn.putheader("Content-Length", str(22 * 1024 * 1024))  # the limit is 21 MB
        conn.endheaders()
        response = conn.getresponse()
        body = response.read().decode()
    finally:
        conn.close()
    assert response.status == 413
    assert response.headers["Content-Type"].startswith("text/html")
    assert "Tệp quá lớn" in body and "21 MB" in body
    assert not [line for line in site.app_requests() if "/lien-he" in line]


def test_an_app_server_down_gets_the_maintenance_page(tmp_path):
    ports = (free_port(), free_port(), free_port())
    with nginx(tmp_path / "web", free_port(), ports=ports) as web:  # nothing listens there
        page = fetch(web, "/tin-tuc/")
        assert page.status == 502
        assert "Hệ thống đang bảo trì" in page.body.decode()
        # Static files do not need the app.
        assert fetch(web, "/static/css/site.css").status == 200


def test_metrics_are_closed_to_outside_addresses(site):
    assert fetch(site.web, "/metrics", source="127.0.0.2").status == 403


# --- nchan: nginx holds the streams ------------------------------------------------------------


def newest_nchan_message(web: Nginx) -> str | None:
    """The id of the message nchan's channel holds (None: it holds none)."""
    conn = http.client.HTTPConnection("127.0.0.1", web.publish_port, timeout=5)
    try:
        conn.request("GET", "/stats/publish", headers={"Accept": "text/json"})
        response = conn.getresponse()
        body = response.read()
    finally:
        conn.close()
    return json.loads(body)["last_message_id"] if response.status == 200 else None


@pytest.mark.skipif(not Path(NCHAN_MODULE).exists(), reason="needs libnginx-mod-nchan")
def test_nchan_streams_get_the_numbers_on_connect_and_each_message_once(site):
    web = site.nchan
    # Nginx started after the app: the relay found the channel empty and filled it. A reader
    # gets the message it holds on connect, not the next one published (the channel's newest
    # message is the same before and after), and its numbers are the current ones (once a
    # trailing message of an earlier page view, due within a second, has gone out).
    for _ in range(5):
        held = wait_until(lambda: newest_nchan_message(web), 10)  # checked every 2 s
        assert held is not None, "the relay did not fill nchan's channel"
        with open_stream(web) as (_, stream):
            assert stream.status == 200
            assert stream.headers["Content-Type"].startswith("text/event-stream")
            first = next_stats(stream)
        if newest_nchan_message(web) == held and first["total"] == site.app.api_stats()["total"]:
            break
        time.sleep(0.5)
    else:
        raise AssertionError(f"no current numbers on connect: {first}, {site.app.api_stats()}")
    with open_stream(web) as (sock, stream):
        next_stats(stream)
        assert fetch(web, "/", headers={"User-Agent": unique_browser_ua()}).status == 200
        update = stats_after(stream, first["total"])
        assert update["total"] == first["total"] + 1
        # A second page view: its message arrives once, not once per worker.
        assert fetch(web, "/", headers={"User-Agent": unique_browser_ua()}).status == 200
        second = stats_after(stream, update["total"])
        assert second["total"] == update["total"] + 1
        repeats = []
        deadline = time.monotonic() + 2.5  # past the app's 1 s publish throttle
        with contextlib.suppress(TimeoutError):
            while (left := deadline - time.monotonic()) > 0:
                sock.settimeout(left)
                repeats.append(next_stats(stream)["total"])
        assert second["total"] not in repeats, repeats
    # The publisher is not on the readers' port.
    assert fetch(web, "/stats/publish").status == 404


# --- The other files of deploy/ ----------------------------------------------------------------

ENV_EXAMPLE = ROOT / "deploy" / "portal.env.example"
# Read by gunicorn.conf.py and app/embedded_redis.py, outside app.config.ENV_VARS.
SERVER_VARS = {"HOST", "PORT", "WEB_CONCURRENCY", "WORKER_CONNECTIONS", "ACCESS_LOG",
               "FORWARDED_ALLOW_IPS", "INSTANCE_PATH", "EMBEDDED_REDIS_MAXMEMORY"}  # fmt: skip


def test_the_environment_template_names_every_variable_and_parses():
    from app.config import ENV_VARS

    script = f'set -a; . "{ENV_EXAMPLE}"; set +a; env -0'
    done = subprocess.run(["/bin/sh", "-c", script], capture_output=True, check=True, env={})  # noqa: S603
    values = dict(item.split("=", 1) for item in done.stdout.decode().split("\0") if "=" in item)
    missing = (set(ENV_VARS) | SERVER_VARS) - set(values)
    assert not missing, f"deploy/portal.env.example lacks {sorted(missing)}"
    for name, kind in ENV_VARS.items():
        if values[name]:
            kind(values[name])  # as app.config.load_config parses it
    assert values["TRUSTED_PROXIES"] == "1"  # behind deploy/nginx/portal.conf
    assert values["SITE_NAME"] == "Cổng thông tin điện tử"


@pytest.mark.skipif(not shutil.which("systemd-analyze"), reason="needs systemd-analyze")
def test_systemd_units_verify(tmp_path):
    units = sorted((ROOT / "deploy" / "systemd").glob("portal*.[st][ei]*"))
    assert {u.name for u in units} >= {"portal.service", "portal-redis.service"}
    for unit in units:  # the checkout here instead of /srv/portal, so the commands exist
        (tmp_path / unit.name).write_text(unit.read_text().replace("/srv/portal", str(ROOT)))
    done = subprocess.run(  # noqa: S603
        ["systemd-analyze", "verify", *(str(tmp_path / u.name) for u in units)],
        capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert done.returncode == 0 and not done.stderr.strip(), done.stderr
