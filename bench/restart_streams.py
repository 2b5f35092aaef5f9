"""Redis restarted under 1,000 connected live-stats streams (issue 13): one server (gunicorn,
2 gevent workers) on an outside Redis (AOF, like the embedded one); the streams connected
(bench/fanout.py's asyncio clients); Redis stopped (SIGTERM, then SIGKILL in a second round),
kept down a moment and started again; then page views by new visitors. Measures per stream
the time from Redis' return until it holds the correct total again (the total /api/stats
gives once every view is counted), against the contract: the stream's `retry:` + 2 s; and
the lowest total any stream showed from the restart on (never 0, never below the total before).

    .venv/bin/python bench/restart_streams.py [--streams 1000] [--down 1.0] [--views 5]

Prints Markdown to stdout, progress to stderr; exit status 1 when a stream missed the
contract, showed 0 or a total lower than before, or was dropped.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchlib import (  # noqa: E402
    BROWSER_UA,
    Server,
    finish,
    http_get,
    percentile,
    portal_env,
    raise_nofile,
)
from fanout import Clients, api_total, page_view  # noqa: E402
from faults import OutsideRedis, prepare_instance_with, say  # noqa: E402

from app.stats.routes import RETRY_MS  # noqa: E402

COUNT_WAIT = 30.0  # seconds /api/stats may take to count every view


def connect(server: Server, args) -> tuple[Clients, int, dict]:
    """The streams, each holding its first event; returns (clients, connected, errors)."""
    clients = Clients(server.port, args.streams, args.client_procs, 400, 180)
    connected, errors = 0, Counter()
    for pipe in clients.pipes:
        if not pipe.poll(240):
            raise TimeoutError("a client process did not connect its streams in time")
        _, count, errs, _ = pipe.recv()
        connected += count
        errors.update(errs)
    return clients, connected, dict(errors)


def wait_total(server: Server, expected: int) -> int:
    """/api/stats' total once it reached `expected` (or after COUNT_WAIT)."""
    deadline = time.monotonic() + COUNT_WAIT
    value = api_total(server)
    while value < expected and time.monotonic() < deadline:
        time.sleep(0.1)
        value = api_total(server)
    return value


def restart_round(mode: str, server: Server, redis_server: OutsideRedis, clients: Clients,
                  connected: int, args) -> dict:  # fmt: skip
    before = api_total(server)
    mark = time.monotonic()
    if mode == "SIGTERM":
        redis_server.stop()  # saves and exits
    else:
        redis_server.kill()
    say(f"Redis stopped ({mode}); down for {args.down:g} s")
    time.sleep(args.down)
    redis_server.start()
    back = time.monotonic()
    say("Redis back; page views")
    statuses = Counter()
    for i in range(args.views):
        statuses[page_view(server, "/", f"{BROWSER_UA} restart-{mode}-{back:.0f}-{i}")[2]] += 1
    expected = before + args.views
    counted = wait_total(server, expected)
    contract = RETRY_MS / 1000 + 2
    deadline = back + contract + 10  # wait past the contract, to measure the late ones too
    while time.monotonic() < deadline:
        if sum(clients.ask("count", counted)) >= connected:
            break
        time.sleep(0.1)
    answers = clients.ask("collect", [counted])
    times = [t[0] for part, _ in answers for t in part]
    late = sorted((t - back) for t in times if t is not None)
    lowest = [v for part in clients.ask("lowest", mark) for v in part]
    shown = [v for v in lowest if v is not None]
    lost = sum((Counter(lost) for _, lost in answers), Counter())
    return {
        "mode": mode, "before": before, "views": dict(statuses), "counted": counted,
        "expected": expected, "streams": len(times), "correct": len(late),
        "p50": percentile(late, 50) if late else None,
        "p99": percentile(late, 99) if late else None, "max": late[-1] if late else None,
        "contract": contract, "lowest": min(shown, default=None),
        "zero": sum(1 for v in shown if v == 0),
        "below": sum(1 for v in shown if v < before), "lost": sum(lost.values()),
    }  # fmt: skip


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--streams", type=int, default=1000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--down", type=float, default=1.0, help="seconds Redis stays down")
    parser.add_argument("--views", type=int, default=5, help="page views after the restart")
    parser.add_argument("--client-procs", type=int, default=2)
    args = parser.parse_args()
    soft, _ = raise_nofile()
    if soft < args.streams + 1000:
        print(f"RLIMIT_NOFILE is {soft}: too low for {args.streams} streams", file=sys.stderr)
        return 2
    workdir = Path(tempfile.mkdtemp(prefix="bench-restart-"))
    # A short folder for the unix socket (under 108 bytes).
    redis_server = OutsideRedis(Path(tempfile.mkdtemp(prefix="r", dir="/tmp")), "everysec")
    redis_server.start()
    instance = workdir / "instance"
    prepare_instance_with(instance, redis_server)
    env = portal_env(instance) | {"REDIS_URL": redis_server.embedded.url,
                                  "FLASK_STATS_STREAM_PER_IP": "0",
                                  "FLASK_STATS_STREAM_PER_VISITOR": "0"}  # fmt: skip
    server = Server("restart", "wsgi:app", workdir, workers=args.workers,
                    worker_connections=args.streams * 10 // 9 + 1000, env=env,
                    instance=instance)  # fmt: skip
    results, clients = [], None
    try:
        server.start()
        for path in ("/", "/api/stats") * 8:  # every worker warm, subscribed
            http_get(server.base + path, {"User-Agent": f"{BROWSER_UA} warm-up"})
        say(f"connecting {args.streams} streams")
        clients, connected, errors = connect(server, args)
        say(f"{connected} streams connected ({errors or 'no errors'})")
        for mode in ("SIGTERM", "SIGKILL"):
            time.sleep(2)
            results.append(restart_round(mode, server, redis_server, clients, connected, args))
    finally:
        if clients is not None:
            clients.close()
        server.stop()
        redis_server.stop()
    problems = server.log_problems()

    def secs(value: float | None) -> str:
        return "—" if value is None else f"{value:.2f} s"

    stamp = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
    print(f"### Redis restarted under {args.streams} streams (`restart_streams.py`), {stamp}")
    print()
    print(f"{args.workers} gevent workers, outside Redis (AOF everysec) down {args.down:g} s, "
          f"then {args.views} page views by new visitors; commit {server.version}. Times from "
          f"Redis answering again until the stream holds the counted total; contract "
          f"`retry:` ({RETRY_MS} ms) + 2 s.")  # fmt: skip
    print()
    print(
        "| restart | streams | correct again | p50 | p99 | max | contract | lowest total "
        "shown (before) | streams that showed 0 / less than before | streams dropped |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|")
    failed = False
    for r in results:
        print(f"| {r['mode']} | {r['streams']} | {r['correct']} | {secs(r['p50'])} | "
              f"{secs(r['p99'])} | {secs(r['max'])} | {r['contract']:.0f} s | {r['lowest']} "
              f"({r['before']}) | {r['zero']} / {r['below']} | {r['lost']} |")  # fmt: skip
        failed |= (r["correct"] < r["streams"] or r["zero"] or r["below"] or r["lost"]
                   or r["max"] is None or r["max"] > r["contract"]
                   or r["counted"] != r["expected"])  # fmt: skip
    print()
    for r in results:
        print(f"- {r['mode']}: page views answered {r['views']}; /api/stats total "
              f"{r['counted']} (expected {r['expected']})")  # fmt: skip
    return finish(workdir, failed, problems)


if __name__ == "__main__":
    sys.exit(main())
