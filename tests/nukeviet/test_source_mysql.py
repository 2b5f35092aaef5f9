"""A live MariaDB with the fixture loaded gives the same rows as the dump file.

The server: `NUKEVIET_TEST_MYSQL_URL` (`.ci/run` installs Debian's mariadb-server, starts it
and creates the `nukeviet_ci` user, who may create `nukeviet_ci%` databases). When that
variable is set the server must be there; unset, the default local URL is tried and the tests
skip, saying why, if nothing answers. Each process loads the fixture into a database of its
own with the `mariadb` client and drops it at the end.
"""

from __future__ import annotations

import inspect
import os
import shutil
import subprocess
from urllib.parse import urlsplit

import pytest
from source_helpers import fixture_path

from app.nukeviet.source import DumpSource, MySQLSource, SourceError, open_source

pymysql = pytest.importorskip("pymysql", reason="PyMySQL is not installed (requirements.txt)")

pytestmark = pytest.mark.once

DEFAULT_URL = "mysql://nukeviet_ci:nukeviet_ci@127.0.0.1:3306/nukeviet_ci"
URL = os.environ.get("NUKEVIET_TEST_MYSQL_URL", DEFAULT_URL)


def _unavailable(reason: str) -> None:
    if "NUKEVIET_TEST_MYSQL_URL" in os.environ:
        pytest.fail(f"NUKEVIET_TEST_MYSQL_URL is set but {reason}")
    pytest.skip(f"no MariaDB for the live-source tests ({reason}); .ci/run starts one")


@pytest.fixture(scope="module")
def server_url():
    parts = urlsplit(URL)
    args = {
        "host": parts.hostname,
        "port": parts.port or 3306,
        "user": parts.username,
        "password": parts.password or "",
    }
    try:
        conn = pymysql.connect(**args, connect_timeout=3)
    except pymysql.MySQLError as exc:
        _unavailable(f"{parts.hostname}:{args['port']} answered {exc.args[-1]}")
    client = shutil.which("mariadb") or shutil.which("mysql")
    if client is None:
        conn.close()
        _unavailable("the mariadb client is not installed")
    database = f"{parts.path.strip('/')}_{os.getpid()}"
    with conn.cursor() as cur:
        cur.execute(f"DROP DATABASE IF EXISTS `{database}`")
        cur.execute(f"CREATE DATABASE `{database}` CHARACTER SET utf8mb4")
    try:
        with fixture_path().open("rb") as dump:
            subprocess.run(  # noqa: S603 - our own client and arguments
                [
                    client,
                    f"--host={args['host']}",
                    f"--port={args['port']}",
                    f"--user={args['user']}",
                    f"--password={args['password']}",
                    "--default-character-set=utf8mb4",
                    database,
                ],
                stdin=dump,
                check=True,
                capture_output=True,
                timeout=120,
            )
        yield parts._replace(path=f"/{database}").geturl()
    finally:
        with conn.cursor() as cur:
            cur.execute(f"DROP DATABASE IF EXISTS `{database}`")
        conn.close()


@pytest.fixture(scope="module")
def both(server_url):
    live = open_source(server_url)
    dump = open_source(fixture_path())
    yield live, dump
    live.close()
    dump.close()


def test_a_url_opens_a_live_source_with_the_dumps_prefix_and_language(both):
    live, dump = both
    assert isinstance(live, MySQLSource) and isinstance(dump, DumpSource)
    assert (live.prefix, live.language) == ("nv4", "vi")
    assert sorted(live.tables()) == sorted(dump.tables())
    assert live.columns("vi_laws_row") == dump.columns("vi_laws_row")


def _types(rows):
    return sorted(sorted((k, type(v).__name__) for k, v in r.items()) for r in rows)


def test_server_and_dump_give_the_same_rows_and_types_in_every_table(both):
    live, dump = both
    checked = 0
    for table in dump.tables():
        from_server = list(live.rows(table))
        from_dump = list(dump.rows(table))
        assert sorted(from_server, key=repr) == sorted(from_dump, key=repr), table
        assert _types(from_server) == _types(from_dump), table
        checked += len(from_dump)
    assert checked > 1000
    news = {r["id"]: r for r in live.rows("vi_news_detail")}
    assert "\n" in news[7]["bodyhtml"] and news[1]["voicedata"] is None
    assert [r["code"] for r in live.rows("vi_laws_row")][0] == "72&#x002F;2013&#x002F;NĐ-CP"


def test_live_rows_stream_and_can_stop_early(both):
    live, _dump = both
    rows = live.rows("vi_news_rows")
    assert inspect.isgenerator(rows)
    first = next(rows)
    rows.close()  # the table's connection is closed without reading the rest
    assert first["id"] == 1
    assert sum(1 for _ in live.rows("vi_news_rows")) == 27


def test_bad_urls_and_a_missing_table_are_source_errors(server_url):
    parts = urlsplit(server_url)
    for scheme in ("mariadb", "mysql+pymysql"):
        with open_source(parts._replace(scheme=scheme).geturl()) as other:
            assert other.has("vi_laws_row")
    with pytest.raises(SourceError, match="Không kết nối được"):
        open_source(parts._replace(netloc=f"nobody:wrong@{parts.hostname}:{parts.port}").geturl())
    with open_source(server_url) as live, pytest.raises(SourceError, match="nv4_vi_shops"):
        live.rows("vi_shops_rows")
