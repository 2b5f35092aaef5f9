"""What one /healthz costs now that it writes for real (issue 9 §6).

The check takes SQLite's write lock and rolls back a schema change, writes, fsyncs and deletes
a 4 KiB file in instance/, reads the free space and PINGs Redis. A load balancer or monitor
may call it every few seconds, so its latency and its effect on the disk matter. Compared
with the check it replaced (`SELECT 1` + PING), in-process through the Flask test client on
a fresh migrated instance and the embedded Redis, in a temporary folder:

    .venv/bin/python bench/healthz.py [calls]      # default 300

Prints p50/p99/max in milliseconds for both, one JSON line each.
"""

from __future__ import annotations

import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from flask_migrate import upgrade  # noqa: E402
from sqlalchemy import text  # noqa: E402

from app import create_app  # noqa: E402
from app.embedded_redis import EmbeddedRedis  # noqa: E402
from app.extensions import db, redis_store  # noqa: E402


def summary(name: str, samples: list[float]) -> dict:
    samples = sorted(samples)
    return {
        "check": name,
        "calls": len(samples),
        "p50_ms": round(statistics.median(samples) * 1000, 3),
        "p99_ms": round(samples[int(len(samples) * 0.99) - 1] * 1000, 3),
        "max_ms": round(samples[-1] * 1000, 3),
    }


def main(calls: int) -> None:
    with tempfile.TemporaryDirectory() as folder:
        redis = EmbeddedRedis(Path(folder) / "redis")
        redis.ensure_running(stop_at_exit=False)
        try:
            app = create_app({"INSTANCE_PATH": str(Path(folder) / "instance"),
                              "REDIS_URL": redis.url, "SECRET_KEY": "bench",
                              "STATS_BACKGROUND": False})  # fmt: skip
            with app.app_context():
                upgrade()
            client = app.test_client()
            assert client.get("/healthz").status_code == 200

            now = []
            for _ in range(calls):
                start = time.perf_counter()
                client.get("/healthz")
                now.append(time.perf_counter() - start)

            before = []
            with app.app_context():
                for _ in range(calls):
                    start = time.perf_counter()
                    db.session.execute(text("SELECT 1"))
                    redis_store.client.ping()
                    db.session.rollback()
                    before.append(time.perf_counter() - start)
                db.engine.dispose()
            print(json.dumps(summary("healthz: real write probes (now)", now)))
            print(json.dumps(summary("SELECT 1 + PING (before), without the HTTP layer", before)))
        finally:
            redis.stop()


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 300)
