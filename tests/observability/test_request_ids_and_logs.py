"""Every request's id (X-Request-ID), the 500 page that shows it, and log lines that carry
it, plain or JSON (app/observability/request_id.py, logs.py)."""

from __future__ import annotations

import json
import logging
import re
import sys

import pytest

from app.observability.logs import JsonFormatter, PlainFormatter

HEX_ID = re.compile(r"[0-9a-f]{32}")


def boom():
    logging.getLogger("app.test").warning("about to fail, password=%s", "never-shown")
    raise RuntimeError("secret internal detail")


def test_every_request_gets_a_new_id_on_both_page_paths(make_app):
    app = make_app(PAGE_CACHE_SECONDS=30)
    client = app.test_client()
    dispatched = []
    app.before_request(lambda: dispatched.append(1))

    first = client.get("/")  # rendered by Flask, then kept in the page cache
    second = client.get("/")  # answered by the cache's WSGI layer, without Flask
    assert dispatched == [1], "the second page view did not take the fast path"
    missing = client.get("/khong-co-trang-nay")

    ids = [r.headers.get("X-Request-ID") for r in (first, second, missing)]
    assert [first.status_code, second.status_code, missing.status_code] == [200, 200, 404]
    assert all(rid and HEX_ID.fullmatch(rid) for rid in ids), ids
    assert len(set(ids)) == 3


def test_an_id_sent_by_a_client_is_replaced_when_no_proxy_is_trusted(make_app):
    client = make_app().test_client()

    response = client.get("/", headers={"X-Request-ID": "forged-by-the-client"})

    assert response.headers["X-Request-ID"] != "forged-by-the-client"
    assert HEX_ID.fullmatch(response.headers["X-Request-ID"])


@pytest.mark.parametrize(
    ("sent", "kept"),
    [
        ("7f3a9c2e1b4d5a6f7e8d9c0b1a2f3e4d", True),  # nginx's $request_id
        ("lb-01.req:42_x", True),
        ("x" * 129, False),
        ("<script>alert(1)</script>", False),
        ("two words", False),
        ("id\r\nSet-Cookie: a=b", False),
    ],
)
def test_a_trusted_proxy_s_id_is_kept_only_when_it_looks_like_one(make_app, sent, kept):
    client = make_app(TRUSTED_PROXIES=1).test_client()

    # Through the environ: the test client refuses to send a newline in a header.
    response = client.get("/healthz", environ_base={"HTTP_X_REQUEST_ID": sent})

    assert (response.headers["X-Request-ID"] == sent) is kept
    if not kept:
        assert HEX_ID.fullmatch(response.headers["X-Request-ID"])


def test_the_500_page_shows_the_request_id_and_the_log_lines_carry_it(make_app, caplog):
    app = make_app()
    app.add_url_rule("/boom", "boom", boom)

    with caplog.at_level(logging.WARNING):
        response = app.test_client().get("/boom")

    rid = response.headers["X-Request-ID"]
    assert response.status_code == 500
    assert f"Mã yêu cầu: <code>{rid}</code>" in response.text
    assert "secret internal detail" not in response.text
    mine = [r for r in caplog.records if getattr(r, "request_id", None) == rid]
    assert {r.name for r in mine} >= {"app.test", "app.errors.handlers"}, [
        (r.name, getattr(r, "request_id", None)) for r in caplog.records
    ]


def test_a_not_found_page_shows_no_request_id(client):
    response = client.get("/khong-co-trang-nay")

    assert response.status_code == 404
    assert "Mã yêu cầu" not in response.text


def _record(message: str, *args, exc_info=None, **extra) -> logging.LogRecord:
    record = logging.LogRecord("app.stats", logging.WARNING, __file__, 1, message, args, exc_info)
    record.created = 1796011931.25  # 2026-11-30T04:12:11.250Z
    record.request_id = "abc123"
    for name, value in extra.items():
        setattr(record, name, value)
    return record


def test_a_json_log_line_is_one_object_with_the_fields_and_the_traceback():
    try:
        raise ValueError("bad")
    except ValueError:
        exc_info = sys.exc_info()
    record = _record('visitor said "hi"\nforged: {"level": "INFO"}', exc_info=exc_info)

    line = JsonFormatter().format(record)

    assert "\n" not in line
    data = json.loads(line)
    assert data["time"] == "2026-11-30T04:12:11.250Z"
    assert data["level"] == "WARNING"
    assert data["logger"] == "app.stats"
    assert data["message"] == 'visitor said "hi"\nforged: {"level": "INFO"}'
    assert data["request_id"] == "abc123"
    assert "ValueError: bad" in data["exception"]
    assert "method" not in data


def test_a_json_request_line_has_the_http_fields():
    fields = {"method": "GET", "path": "/tin-tuc/a", "status": 200, "duration_ms": 1.5,
              "bytes": 2048, "remote_addr": "203.0.113.9"}  # fmt: skip
    record = _record("%s %s %s", "GET", "/tin-tuc/a", 200, **fields)

    data = json.loads(JsonFormatter().format(record))

    assert data["message"] == "GET /tin-tuc/a 200"
    assert {name: data[name] for name in fields} == fields


def test_plain_lines_name_the_request_only_inside_one():
    inside = PlainFormatter().format(_record("spooled"))
    outside = PlainFormatter().format(_record("spooled", request_id=""))

    assert inside == "WARNING:app.stats:spooled [request abc123]"
    assert outside == "WARNING:app.stats:spooled"


def test_an_unknown_log_format_stops_the_start_with_its_name(make_app):
    with pytest.raises(RuntimeError, match="LOG_FORMAT"):
        make_app(LOG_FORMAT="xml")


def test_a_request_id_from_a_peer_that_is_not_the_proxy_is_replaced(make_app):
    client = make_app(TRUSTED_PROXIES=1, FORWARDED_ALLOW_IPS="10.0.0.0/24").test_client()

    from_proxy = client.get("/healthz", headers={"X-Request-ID": "from-nginx-1"},
                            environ_base={"REMOTE_ADDR": "10.0.0.2"})  # fmt: skip
    direct = client.get("/healthz", headers={"X-Request-ID": "from-nginx-1"},
                        environ_base={"REMOTE_ADDR": "198.51.100.7"})  # fmt: skip

    assert from_proxy.headers["X-Request-ID"] == "from-nginx-1"
    assert direct.headers["X-Request-ID"] != "from-nginx-1"


def test_a_wrong_forwarded_allow_ips_stops_the_start(make_app):
    with pytest.raises(RuntimeError, match="FORWARDED_ALLOW_IPS"):
        make_app(TRUSTED_PROXIES=1, FORWARDED_ALLOW_IPS="10.0.0.0/33")
