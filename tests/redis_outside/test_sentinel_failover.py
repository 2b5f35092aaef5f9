"""A real Sentinel failover under a real gunicorn+gevent server: Debian's redis-server as
master and replica, three redis-sentinel processes, the master killed with SIGKILL while
readers view pages and one watches the live stream. The site keeps answering 200, the
stream gets numbers again from the new master, and once the spool is replayed the total
equals the page views answered: the test prints what the failover cost."""

from __future__ import annotations

import re
import threading
import time

import pytest
from live_server import LiveServer, live_server, pump, unique_browser_ua, wait_until
from redis_servers import RedisGroup, wait_for_failover

# Expensive (about 20 s: five Redis processes and a gunicorn server) and its point does not
# depend on the suite's database: the SQLite run only.
pytestmark = [pytest.mark.once, pytest.mark.timeout(120)]

MASTER = "mymaster"


class Readers(threading.Thread):
    """New visitors viewing the home page one after another until stopped: each view
    answered 200 is one visit the total must hold."""

    def __init__(self, server: LiveServer) -> None:
        super().__init__(daemon=True)
        self.server = server
        self.ok = 0
        self.failed: list[str] = []
        self.stop = threading.Event()

    def run(self) -> None:
        while not self.stop.is_set():
            try:
                status = self.server.get("/", {"User-Agent": unique_browser_ua()}).status
            except OSError as exc:
                self.failed.append(repr(exc))
                continue
            if status == 200:
                self.ok += 1
            else:
                self.failed.append(str(status))
            time.sleep(0.01)


def test_a_sentinel_failover_keeps_the_site_counting_and_streaming(tmp_path):
    with RedisGroup(tmp_path) as group:
        master = group.redis()
        replica = group.redis(replicaof=master)
        group.wait_replicated(master)
        sentinels = group.sentinels(master, 3, down_after_ms=1000, failover_timeout_ms=3000)
        env = {"REDIS_SENTINELS": ",".join(s.address for s in sentinels),
               "REDIS_MASTER_NAME": MASTER}  # fmt: skip
        started = time.monotonic()

        with live_server(workers=2, env=env) as server, server.stream() as stream:
            # The sentinels find each other while the server starts (hello messages, 2 s).
            group.wait_sentinels_ready(sentinels)
            ready_at = time.monotonic()
            assert stream.wait_for(lambda m: m.is_stats, 5), "no first stats event"
            base = server.api_stats()["total"]
            readers = Readers(server)
            readers.start()
            try:
                assert wait_until(lambda: readers.ok >= 20, 10), readers.failed
                pump([stream], 0.2)
                killed_at = time.monotonic()
                before_kill = stream.stats_events()[-1].at
                master.kill()
                new_master = wait_for_failover(sentinels, master, MASTER)
                promoted_at = time.monotonic()
                assert new_master == ("127.0.0.1", replica.port)

                # The stream follows the new master: numbers arrive again after the failover.
                assert pump([stream], 10, until=lambda: bool(stream.stats_events(promoted_at))), (
                    f"no stats event after the failover\n{server.log()}"
                )
                back_at = stream.stats_events(promoted_at)[0].at
                time.sleep(1.0)  # views on the new master too
            finally:
                readers.stop.set()
                readers.join(10)

            expected = base + readers.ok
            settled = wait_until(lambda: server.api_stats()["total"] >= expected, 15, 0.2)
            settled_at = time.monotonic()
            total = server.api_stats()["total"]
            streamed = pump([stream], 5, until=lambda: stream.last_stats()["total"] == total)
            log = server.log(tail=200_000)

    replayed = sum(int(n) for n in re.findall(r"replayed (\d+) spooled statistics", log))
    print(
        f"\nSentinel failover: {readers.ok} page views answered 200, {len(readers.failed)} not; "
        f"master killed -> new master announced in {promoted_at - killed_at:.1f} s; "
        f"stream gap {back_at - before_kill:.1f} s; hits replayed from the spool: {replayed}; "
        f"hits lost: {expected - total}; all counted {settled_at - killed_at:.1f} s after the "
        f"kill (servers ready in {ready_at - started:.1f} s)"
    )
    assert readers.failed == []
    assert settled, f"total {total}, expected {expected}\n{log[-4000:]}"
    assert total == expected  # lost: 0, counted twice: 0
    assert streamed, f"the stream shows {stream.last_stats()}, the site {total}"
