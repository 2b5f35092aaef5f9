"""`flask stats`: the counters, the spool, the checkpoint state and Redis, as text and JSON,
with Redis up, with Redis down (exit 0, says so), and with the database down (exit 1)."""

from __future__ import annotations

import json

from live_server import free_port

from app.extensions import db
from app.stats import durability


def test_stats_with_redis_up_prints_the_live_numbers_and_what_waits(app, client, runner,
                                                                    make_article):  # fmt: skip
    article = make_article()
    client.get(f"/tin-tuc/{article.slug}")
    client.get("/")
    durability.checkpoint(app.extensions["stats"])

    text = runner.invoke(args=["stats"])
    as_json = runner.invoke(args=["stats", "--json"])

    assert text.exit_code == 0, text.output
    assert "Counters from Redis (live):" in text.output
    assert "online 1, today 1, total 1, bots online 0" in text.output
    assert ": reachable" in text.output
    assert "Pending item views: article 1, document 0" in text.output
    assert "Checkpoint:   last 20" in text.output  # a time, not "never"
    assert "Flush:        last never; lag views wait, no flush ever recorded" in text.output
    assert as_json.exit_code == 0, as_json.output
    data = json.loads(as_json.output)
    assert data["redis"]["reachable"] is True
    assert data["headline"] == {"source": "redis", "online": 1, "today": 1, "total": 1,
                                "bots_online": 0}  # fmt: skip
    assert data["durability"]["pending"]["article"] == 1
    assert data["durability"]["flush_lag_seconds"] is None  # infinite: never flushed
    assert data["durability"]["last_checkpoint"].endswith("Z")
    assert data["spool"]["files"] == 0
    assert data["spool"]["records"] == {"hit": 0, "click": 0}


def test_stats_with_redis_down_say_so_and_read_sql(make_app):
    port = free_port()
    app = make_app(REDIS_URL=f"redis://:pw-not-shown@127.0.0.1:{port}/0")
    for n in range(3):  # spooled: Redis does not answer
        app.test_client().get("/", environ_base={"REMOTE_ADDR": f"198.51.100.{n}"})
    runner = app.test_cli_runner()

    text = runner.invoke(args=["stats"])
    as_json = runner.invoke(args=["stats", "--json"])

    assert text.exit_code == 0, text.output
    assert f"127.0.0.1:{port}/0: DOWN" in text.output
    assert "pw-not-shown" not in text.output + as_json.output
    assert "Counters from SQL, as of the last checkpoint (Redis cannot say):" in text.output
    assert "waiting: 0 click, 3 hit" in text.output
    assert "Pending item views: unknown (Redis is down)" in text.output
    assert "lag unknown (Redis is down)" in text.output
    data = json.loads(as_json.output)
    assert data["redis"]["reachable"] is False
    assert data["headline"]["source"] == "sql"
    assert data["spool"]["records"]["hit"] == 3
    assert data["spool"]["oldest"].endswith("Z")
    with app.app_context():
        db.session.remove()


def test_stats_exit_1_when_the_database_cannot_be_read(make_app, tmp_path):
    app = make_app(SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path}/no-such-folder/portal.db")
    runner = app.test_cli_runner()

    text = runner.invoke(args=["stats"])
    as_json = runner.invoke(args=["stats", "--json"])

    assert text.exit_code == 1
    assert "The database cannot be read" in text.output
    assert as_json.exit_code == 1
    assert json.loads(as_json.output)["error"] == "database"
