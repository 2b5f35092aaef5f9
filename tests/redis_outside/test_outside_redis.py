"""Redis as an outside service (Debian's redis-server, started by each test): a password in
REDIS_URL, TLS with the server's certificate checked (and a client certificate), a replica
that refuses writes, Sentinel with passwords. A wrong password or certificate is a clear
/healthz finding, never a 500 and never a password in a log line."""

from __future__ import annotations

import logging

import pytest
from live_server import free_port, wait_until
from redis_servers import RedisGroup, make_tls
from stats_helpers import headline, visitor

from app.redis_holder import redacted

pytestmark = pytest.mark.contextless

PASSWORD = "m4t-kh4u-redis"  # noqa: S105 - a test server's


@pytest.fixture
def group(tmp_path):
    with RedisGroup(tmp_path) as servers:
        yield servers


def healthz(app) -> tuple[int, dict]:
    response = app.test_client().get("/healthz")
    return response.status_code, response.get_json()


def test_the_site_counts_and_streams_with_the_password_in_redis_url(group, make_contextless_app):
    server = group.redis(password=PASSWORD)
    app = make_contextless_app(REDIS_URL=f"redis://:{PASSWORD}@127.0.0.1:{server.port}/2")
    hub = app.extensions["stats_runner"].hub
    hub.start()
    assert hub.connected.wait(5)

    assert visitor(app).get("/").status_code == 200

    assert headline(app) == (1, 1, 1)
    assert server.client(db=2).get("st:total") == "1"
    assert wait_until(lambda: '"total":1' in hub.payload, 5), hub.payload
    assert healthz(app) == (200, {"db": "ok", "redis": "ok", "disk": "ok"})


def test_a_wrong_password_is_a_health_finding_naming_redis_not_a_500(
    group, make_contextless_app, caplog
):
    server = group.redis(password=PASSWORD)
    wrong = "not-the-password-42"
    app = make_contextless_app(flush=False, REDIS_URL=f"redis://:{wrong}@127.0.0.1:{server.port}/0")
    caplog.set_level(logging.INFO)

    page = visitor(app).get("/")
    status, body = healthz(app)

    assert page.status_code == 200
    assert status == 503 and body["redis"] == "down"
    [problem] = body["problems"]
    assert problem.startswith(f"Redis does not answer (redis://:***@127.0.0.1:{server.port}/0)")
    assert "password" in problem.lower()  # redis-py: "invalid username-password pair"
    assert app.extensions["stats"].spool.pending() == 1  # the page view waits on disk
    logged = "\n".join(record.getMessage() for record in caplog.records)
    assert "Redis" in logged
    assert wrong not in logged and wrong not in str(body)


def test_tls_with_the_servers_ca_counts_and_another_ca_is_refused(
    group, make_contextless_app, tmp_path
):
    tls = make_tls(tmp_path / "tls", "tinh")
    stranger = make_tls(tmp_path / "tls", "other")
    server = group.redis(tls=tls)
    url = f"rediss://127.0.0.1:{server.port}/0"

    trusted = make_contextless_app(REDIS_URL=url, REDIS_TLS_CA=str(tls.ca))
    assert visitor(trusted).get("/").status_code == 200
    assert headline(trusted) == (1, 1, 1)
    assert healthz(trusted)[0] == 200

    refused = make_contextless_app(flush=False, REDIS_URL=url, REDIS_TLS_CA=str(stranger.ca))
    page = visitor(refused, ip="198.51.100.3").get("/")
    status, body = healthz(refused)
    assert page.status_code == 200
    assert status == 503 and body["redis"] == "down"
    assert "certificate verify failed" in body["problems"][0]
    assert server.client().get("st:total") == "1"  # the refused site's view never got there


def test_tls_with_a_client_certificate(group, make_contextless_app, tmp_path):
    tls = make_tls(tmp_path / "tls", "tinh")
    server = group.redis(tls=tls, tls_clients=True)
    url = f"rediss://127.0.0.1:{server.port}/0"

    anonymous = make_contextless_app(flush=False, REDIS_URL=url, REDIS_TLS_CA=str(tls.ca))
    assert healthz(anonymous)[1]["redis"] == "down"

    pair = {"REDIS_TLS_CERT": str(tls.cert), "REDIS_TLS_KEY": str(tls.key)}
    app = make_contextless_app(REDIS_URL=url, REDIS_TLS_CA=str(tls.ca), **pair)
    assert visitor(app).get("/").status_code == 200
    assert headline(app) == (1, 1, 1)
    assert healthz(app)[0] == 200


def test_a_replica_refusing_writes_is_a_redis_failure_and_the_hit_is_spooled(
    group, make_contextless_app
):
    master = group.redis()
    replica = group.redis(replicaof=master)
    group.wait_replicated(master)
    app = make_contextless_app(flush=False, REDIS_URL=replica.url)  # a demoted master

    response = visitor(app).get("/")

    assert response.status_code == 200
    assert app.extensions["stats"].spool.pending() == 1
    assert master.client().get("st:total") is None


def test_sentinel_mode_takes_db_and_password_from_redis_url_and_its_own_password(
    group, make_contextless_app
):
    master = group.redis(password=PASSWORD)
    [sentinel] = group.sentinels(master, 1, quorum=1, password="canh-gac")
    app = make_contextless_app(
        REDIS_SENTINELS=sentinel.address,
        REDIS_MASTER_NAME="mymaster",
        REDIS_SENTINEL_PASSWORD="canh-gac",
        REDIS_URL=f"redis://:{PASSWORD}@ignored.invalid:1/3",  # only the DB and password count
    )

    assert visitor(app).get("/").status_code == 200

    assert headline(app) == (1, 1, 1)
    assert master.client(db=3).get("st:total") == "1"
    assert healthz(app)[0] == 200


def test_healthz_names_the_sentinel_master_when_no_sentinel_answers(make_contextless_app):
    port = free_port()
    app = make_contextless_app(flush=False, REDIS_SENTINELS=f"127.0.0.1:{port}",
                               REDIS_MASTER_NAME="tinh",
                               REDIS_SENTINEL_PASSWORD="canh-gac")  # fmt: skip

    page = visitor(app).get("/")
    status, body = healthz(app)

    assert page.status_code == 200
    assert status == 503
    [problem] = body["problems"]
    assert problem.startswith(f"Redis does not answer (Sentinel master 'tinh' (sentinels "
                              f"127.0.0.1:{port})): No master found for 'tinh'")  # fmt: skip
    assert "canh-gac" not in problem


@pytest.mark.parametrize(
    ("url", "shown"),
    [
        ("redis://:bi-mat@10.0.0.5:6379/0", "redis://:***@10.0.0.5:6379/0"),
        ("rediss://portal:bi-mat@redis.example.vn/2", "rediss://portal:***@redis.example.vn/2"),
        ("redis://:bi-mat@[fd00::5]:6379/0", "redis://:***@[fd00::5]:6379/0"),
        ("redis://10.0.0.5:6379/0", "redis://10.0.0.5:6379/0"),
    ],
)
def test_the_redis_a_site_uses_is_named_without_its_password(url, shown):
    assert redacted(url) == shown


@pytest.mark.parametrize(
    ("setting", "value"),
    [("REDIS_SENTINELS", "127.0.0.1"), ("REDIS_SENTINELS", "a:b"), ("REDIS_URL", "http://x/0")],
)
def test_a_malformed_redis_setting_is_refused_at_start_up(make_app, setting, value):
    with pytest.raises(RuntimeError, match=setting):
        make_app(**{setting: value})
