"""A password link's token never reaches a log line: gunicorn's access lines (plain and
JSON) and the app's own error lines show the path's prefix only
(app/observability/logs.py::loggable_path, gunicorn_log.py)."""

from __future__ import annotations

import json
import logging
from datetime import timedelta
from types import SimpleNamespace

import pytest
from gunicorn.config import Config

from app.observability.gunicorn_log import JsonLogger, PlainLogger
from app.observability.logs import loggable_path

TOKEN = "Zk3r9QWxY-_abcdefghijklmnopqrstuvwxyz012345"
ACCESS_FORMAT = '%(h)s "%(r)s" %(s)s %(U)s %(q)s %({raw_uri}e)s'


def environ(path: str, query: str = "") -> dict:
    raw = path + (f"?{query}" if query else "")
    return {
        "REQUEST_METHOD": "GET",
        "PATH_INFO": path,
        "QUERY_STRING": query,
        "RAW_URI": raw,
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "203.0.113.9",
    }


def access_line(logger_class, env: dict, capsys) -> str:
    cfg = Config()
    cfg.set("accesslog", "-")
    cfg.set("access_log_format", ACCESS_FORMAT)
    logger = logger_class(cfg)
    response = SimpleNamespace(status="200 OK", headers=[], sent=10)
    logger.access(response, SimpleNamespace(headers=[]), env, timedelta(milliseconds=3))
    for handler in logger.access_log.handlers:
        handler.flush()
    return capsys.readouterr().out


@pytest.mark.parametrize("logger_class", [PlainLogger, JsonLogger])
def test_an_access_line_of_a_password_link_hides_its_token(logger_class, capsys):
    line = access_line(logger_class, environ(f"/dat-mat-khau/{TOKEN}", "next=1"), capsys)

    assert TOKEN not in line and TOKEN[:12] not in line
    assert "/dat-mat-khau/…" in line or "/dat-mat-khau/\\u2026" in line  # plain or JSON


@pytest.mark.parametrize("logger_class", [PlainLogger, JsonLogger])
def test_other_access_lines_keep_their_path(logger_class, capsys):
    line = access_line(logger_class, environ("/tin-tuc/bai-viet-1", "page=2"), capsys)

    assert "/tin-tuc/bai-viet-1" in line and "…" not in line


def test_a_json_access_line_names_the_hidden_path_in_its_fields(capsys):
    line = access_line(JsonLogger, environ(f"/dat-mat-khau/{TOKEN}"), capsys)

    data = json.loads(line.strip().splitlines()[-1])
    assert data["path"] == "/dat-mat-khau/…" and data["status"] == 200


def test_loggable_path_keeps_the_bare_prefix_and_other_paths():
    assert loggable_path("/dat-mat-khau/") == "/dat-mat-khau/"
    assert loggable_path(f"/dat-mat-khau/{TOKEN}") == "/dat-mat-khau/…"
    assert loggable_path("/dat-mat-khau-khac/x") == "/dat-mat-khau-khac/x"


def test_a_server_error_on_a_password_link_logs_the_path_without_its_token(make_app, caplog):
    app = make_app()

    @app.get("/dat-mat-khau/<token>/hong")
    def broken(token):
        raise RuntimeError("boom")

    with caplog.at_level(logging.ERROR):
        response = app.test_client().get(f"/dat-mat-khau/{TOKEN}/hong")

    assert response.status_code == 500
    assert "unhandled error on GET /dat-mat-khau/…" in caplog.text
    assert TOKEN not in caplog.text
