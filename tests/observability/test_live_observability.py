"""A real gunicorn (2 gevent workers) with LOG_FORMAT=json: every worker's page views add up
on /metrics whichever worker answers the scrape, the stream gauge follows an open stream,
and every log line (gunicorn's error and access logs, the app's) is a JSON object, the
access line carrying the request's id."""

from __future__ import annotations

import http.client
import json

import pytest
from live_server import live_server, unique_browser_ua, wait_until
from scrapes import page_views, parse, value

pytestmark = pytest.mark.once  # one server for ~10 s; its point does not depend on the database


def metrics(server) -> dict:
    result = server.get("/metrics")
    assert result.status == 200, result.text
    return parse(result.text)


def test_counts_add_up_across_workers_and_logs_are_json_lines():
    env = {
        "LOG_FORMAT": "json",
        "ACCESS_LOG": "-",
        "FLASK_STATS_STREAM_HEARTBEAT": "1",
    }  # a closed stream is noticed within a second
    with live_server(workers=2, env=env) as server:
        workers = server.worker_pids()
        folder = server.instance / "metrics" / str(server.process.pid)  # gunicorn.conf.py's
        connections: list[tuple[http.client.HTTPConnection, str, int]] = []
        served: dict[int, int] = {}
        ids = []
        try:
            # Readers on kept-alive connections, until each worker holds some.
            while len(served) < 2 and len(connections) < 40:
                conn = http.client.HTTPConnection(server.host, server.port, timeout=5)
                agent = unique_browser_ua()
                conn.request("GET", "/", headers={"User-Agent": agent})
                response = conn.getresponse()
                response.read()
                assert response.status == 200
                ids.append(response.getheader("X-Request-ID"))
                owner = server.connection_owner(conn.sock.getsockname()[1])
                connections.append((conn, agent, owner))
                served[owner] = served.get(owner, 0) + 1
            assert sorted(served) == workers, f"readers reached only {sorted(served)}"
            for conn, agent, owner in connections:  # two more page views each
                for _ in range(2):
                    conn.request("GET", "/", headers={"User-Agent": agent})
                    response = conn.getresponse()
                    response.read()
                    assert response.status == 200
                    served[owner] += 1
        finally:
            for conn, _, _ in connections:
                conn.close()
        total = sum(served.values())

        assert wait_until(lambda: page_views(metrics(server)) == total, 10), (
            f"expected {total} page views ({served}), /metrics says {page_views(metrics(server))}"
        )
        scraped = metrics(server)
        assert value(scraped, "portal_workers") == 2
        assert value(scraped, "portal_visitors_online") == len(connections)
        assert {f"counter_{pid}.db" for pid in workers} <= {p.name for p in folder.iterdir()}

        with server.stream() as stream:
            assert stream.wait_for(lambda m: m.is_stats, 5)
            assert wait_until(lambda: value(metrics(server), "portal_stream_clients") == 1, 10)
        assert wait_until(lambda: value(metrics(server), "portal_stream_clients") == 0, 10)

        log = server.log_path.read_text()

    lines = [json.loads(line) for line in log.splitlines() if line.strip()]  # all JSON
    access = [line for line in lines if line.get("request_id") == ids[0]]
    assert len(access) == 1, access
    assert access[0]["logger"] == "gunicorn.access"
    assert {k: access[0][k] for k in ("method", "path", "status", "remote_addr")} == {
        "method": "GET", "path": "/", "status": 200, "remote_addr": "127.0.0.1"}  # fmt: skip
    assert access[0]["duration_ms"] > 0
    assert access[0]["time"].endswith("Z")
    assert any(line["logger"] == "gunicorn.error" and "Booting worker" in line["message"]
               for line in lines)  # fmt: skip
