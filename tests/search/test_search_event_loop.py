"""A search does not hold its gevent worker: in a process where gevent has patched threading
(as in a gunicorn worker), the ranked query runs in a thread of the pool, on a connection of
its own, and the results are the same as without gevent."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent
OWN_REDIS_DB = 3  # the script's app empties nothing, but keeps apart from the suite's data

SCRIPT = textwrap.dedent(
    """
    from gevent import monkey; monkey.patch_all()
    import json, sys, threading
    import gevent
    from sqlalchemy import event
    from sqlalchemy.engine import Engine
    from werkzeug.datastructures import MultiDict
    from app import create_app
    from app.search import queries

    database, instance, redis_url = sys.argv[1:4]
    app = create_app({"SQLALCHEMY_DATABASE_URI": database, "INSTANCE_PATH": instance,
                      "REDIS_URL": redis_url, "SECRET_KEY": "test-secret", "TESTING": True,
                      "SERVER_NAME": "localhost", "STATS_BACKGROUND": False})
    ranked_in = []

    @event.listens_for(Engine, "before_cursor_execute")
    def note(conn, cursor, statement, parameters, context, executemany):
        if "search_index" in statement:
            ranked_in.append(threading.get_native_id())

    def search():
        with app.test_request_context("/tim-kiem"):
            results = queries.run(queries.parse(MultiDict({"q": "tu tuong"})), 1)
            return [r.title for r in results.items], results.total

    titles, total = gevent.spawn(search).get(timeout=30)
    print(json.dumps({"titles": titles, "total": total, "ranked_in": ranked_in,
                      "loop": threading.get_native_id()}))
    """
)


def test_the_ranked_query_runs_off_the_event_loop(app, redis_server, make_article):
    make_article(title="Học tập tư tưởng Hồ Chí Minh", status="published")
    make_article(title="Tin khác", body="<p>Làm theo tư tưởng của Bác.</p>", status="published")
    make_article(title="Không liên quan", status="published")
    with app.test_request_context("/tim-kiem"):
        from werkzeug.datastructures import MultiDict

        from app.search import queries

        expected = queries.run(queries.parse(MultiDict({"q": "tu tuong"})), 1)
        expected_titles = [r.title for r in expected.items]

    done = subprocess.run(
        [sys.executable, "-c", SCRIPT, app.config["SQLALCHEMY_DATABASE_URI"],
         app.instance_path, f"{redis_server.url}?db={OWN_REDIS_DB}"],
        cwd=ROOT, capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-3000:]
    report = json.loads(done.stdout.strip().splitlines()[-1])

    assert expected_titles[0] == "Học tập tư tưởng Hồ Chí Minh" and len(expected_titles) == 2
    assert report["titles"] == expected_titles and report["total"] == 2
    assert report["ranked_in"] and report["loop"] not in report["ranked_in"]
