"""Sentinel failovers under steady load (issue 13): one portal server (gunicorn, gevent
workers) on a Sentinel-managed pair of Debian's redis-server (master + replica, three
redis-sentinel, down-after 1 s); readers view pages without pause and one reader watches the
live stream; the master is killed with SIGKILL, a replica promoted, the killed server started
again (Sentinel makes it the new replica), several times in a row.

Per failover: seconds from the kill until Sentinel announced the new master, until the
stream showed moving numbers again (the live numbers were frozen that long), the slowest
page answered in that window, the hits the spool held and replayed, and the hits lost (views
answered 200 that the total never counted; negative: counted twice).

    .venv/bin/python bench/sentinel_failover.py [--rounds 3] [--readers 4] [--workers 2]

Prints Markdown to stdout, progress to stderr; exit status 1 when a page was not answered
200 or a hit was lost or counted twice.
"""

from __future__ import annotations

import argparse
import re
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))  # the test suite's servers: the same code paths

from live_server import (  # noqa: E402
    LiveServer,
    SSEClient,
    live_server,
    pump,
    unique_browser_ua,
    wait_until,
)
from redis_servers import RedisGroup, RedisProc, sentinel_master, wait_for_failover  # noqa: E402

MASTER = "mymaster"
SETTLE = 30.0  # seconds the spool may take to be replayed and counted


def say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


class Readers:
    """`count` threads of new visitors viewing the home page until stopped."""

    def __init__(self, server: LiveServer, count: int) -> None:
        self.server = server
        self.ok = 0
        self.failed: list[str] = []
        self.latencies: list[tuple[float, float]] = []  # (answered at, seconds)
        self._stop = threading.Event()
        self._go = threading.Event()  # cleared while paused
        self._go.set()
        self._active = 0  # requests in flight
        self._lock = threading.Lock()
        self._threads = [threading.Thread(target=self._run, daemon=True) for _ in range(count)]

    def _run(self) -> None:
        while not self._stop.is_set():
            if not self._go.wait(0.1):
                continue
            with self._lock:
                self._active += 1
            start = time.monotonic()
            try:
                headers = {"User-Agent": unique_browser_ua()}
                status = self.server.get("/", headers, timeout=10).status
            except OSError as exc:
                status = repr(exc)
            end = time.monotonic()
            with self._lock:
                self.latencies.append((end, end - start))
                if status == 200:
                    self.ok += 1
                else:
                    self.failed.append(str(status))
                self._active -= 1

    def pause(self) -> None:
        """Stop sending and wait for the views in flight: the count then stays put."""
        self._go.clear()
        wait_until(lambda: self._active == 0, 15)

    def resume(self) -> None:
        self._go.set()

    def __enter__(self) -> Readers:
        for thread in self._threads:
            thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        for thread in self._threads:
            thread.join(15)

    def slowest(self, since: float, until: float) -> float:
        with self._lock:
            return max((s for at, s in self.latencies if since <= at <= until), default=0.0)


def replayed(server: LiveServer) -> int:
    log = server.log(tail=10_000_000)
    return sum(int(n) for n in re.findall(r"replayed (\d+) spooled statistics", log))


def total(server: LiveServer) -> int:
    return int(server.api_stats()["total"])


def failover(server: LiveServer, group: RedisGroup, servers: list[RedisProc],
             sentinels: list[RedisProc], stream: SSEClient, readers: Readers) -> dict:  # fmt: skip
    """Kill the current master under load; measure until every view is counted."""
    address = sentinel_master(sentinels[0], MASTER)
    assert address, "no master announced"
    master = next(proc for proc in servers if proc.port == address[1])
    readers.pause()  # a base that every view before it is in, and none after
    pump([stream], 0.5)
    base, ok_before, replayed_before = total(server), readers.ok, replayed(server)
    readers.resume()
    time.sleep(0.5)
    last_total = stream.last_stats()["total"]
    killed_at = time.monotonic()
    master.kill()
    wait_for_failover(sentinels, master, MASTER, timeout=30)
    promoted_at = time.monotonic()
    moving = pump([stream], 30, until=lambda: stream.last_stats()["total"] > last_total)
    live_again_at = time.monotonic()
    time.sleep(1.0)  # views on the new master too
    readers.pause()
    expected = base + readers.ok - ok_before
    wait_until(lambda: total(server) >= expected, SETTLE, 0.2)
    counted_at = time.monotonic()
    time.sleep(1.0)  # a hit counted twice would show by now
    lost = expected - total(server)
    if lost:
        spool = sorted(p.name for p in (server.instance / "spool").glob("*"))
        say(f"lost {lost}; spool files {spool}\n{server.log(tail=8000)}")
    readers.resume()
    master.start()  # back as a replica of the new master (Sentinel reconfigures it)
    new_master = next(proc for proc in servers if proc.alive and proc is not master)
    group.wait_replicated(new_master, timeout=30)
    return {
        "promoted": promoted_at - killed_at,
        "frozen": (live_again_at - killed_at) if moving else float("nan"),
        "slowest": readers.slowest(killed_at, live_again_at),
        "spooled": replayed(server) - replayed_before,
        "counted": counted_at - killed_at,
        "lost": lost,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=3, help="failovers in a row")
    parser.add_argument("--readers", type=int, default=4, help="concurrent page viewers")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers")
    args = parser.parse_args()

    rows, failed = [], []
    with tempfile.TemporaryDirectory(prefix="bench-sentinel-") as folder:
        with RedisGroup(Path(folder)) as group:
            master = group.redis()
            replica = group.redis(replicaof=master)
            group.wait_replicated(master)
            sentinels = group.sentinels(master, 3, down_after_ms=1000, failover_timeout_ms=3000)
            group.wait_sentinels_ready(sentinels)
            env = {"REDIS_SENTINELS": ",".join(s.address for s in sentinels),
                   "REDIS_MASTER_NAME": MASTER}  # fmt: skip
            say("starting the portal…")
            with live_server(workers=args.workers, env=env) as server, server.stream() as stream:
                with Readers(server, args.readers) as readers:
                    time.sleep(2.0)
                    for n in range(1, args.rounds + 1):
                        say(f"failover {n}/{args.rounds}…")
                        row = failover(server, group, [master, replica], sentinels, stream,
                                       readers)  # fmt: skip
                        rows.append(row)
                        say(f"  {row}")
                        time.sleep(2.0)
                failed = readers.failed
                views = readers.ok

    print(f"## Sentinel failover under load ({args.readers} readers, {args.workers} workers, "
          f"down-after 1 s)\n")  # fmt: skip
    print("| failover | new master announced | numbers frozen | slowest page | hits spooled "
          "and replayed | all counted after | hits lost |")  # fmt: skip
    print("|---|---|---|---|---|---|---|")
    for n, row in enumerate(rows, 1):
        print(f"| {n} | {row['promoted']:.1f} s | {row['frozen']:.1f} s | "
              f"{row['slowest'] * 1000:.0f} ms | {row['spooled']} | {row['counted']:.1f} s | "
              f"{row['lost']} |")  # fmt: skip
    print(f"\n{views} page views answered 200, {len(failed)} not"
          + (f" ({', '.join(sorted(set(failed))[:5])})" if failed else "") + ".")  # fmt: skip
    return 1 if failed or any(row["lost"] != 0 for row in rows) else 0


if __name__ == "__main__":
    sys.exit(main())
