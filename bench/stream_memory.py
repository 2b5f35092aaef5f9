"""Memory per open /stats/stream, and where it goes.

    .venv/bin/python bench/stream_memory.py [--streams 2000] [--tracemalloc]

One gunicorn gevent worker (our gunicorn.conf.py, a fresh temp instance); N cookie-less
streams opened from this process; the worker's RSS before and after, per stream. With
`--tracemalloc` the worker serves `bench.stream_memory:app` instead of `wsgi:app`: the same
app, with tracemalloc started in the worker (it slows the worker and adds its own
overhead to RSS), and the report lists the Python allocations the streams added, by line.
A parked greenlet's saved C stack shows up there too (greenlet copies it with PyMem).
"""

from __future__ import annotations

import os
import sys
import threading
import time
import tracemalloc
from pathlib import Path

TRIGGERS_ENV = "STREAM_MEMORY_TRIGGERS"

if os.environ.get(TRIGGERS_ENV) and __name__ != "__main__":
    # Imported by the gunicorn worker: trace allocations, and write a snapshot whenever a
    # file appears in the triggers folder (named after the file, then a `.done` marker).
    tracemalloc.start(12)
    from wsgi import app  # noqa: F401 - what gunicorn serves

    def _snapshots(folder: Path) -> None:
        while True:
            time.sleep(0.25)
            for trigger in folder.glob("*.want"):
                trigger.unlink()
                name = f"{trigger.stem}-{os.getpid()}"
                tracemalloc.take_snapshot().dump(str(folder / f"{name}.snap"))
                (folder / f"{name}.done").touch()

    threading.Thread(target=_snapshots, args=(Path(os.environ[TRIGGERS_ENV]),),
                     daemon=True).start()  # fmt: skip


def open_streams(port: int, n: int, batch: int = 200) -> list:
    """`n` streams, each read up to its first event (in batches: a bounded connect burst)."""
    import socket

    request = (f"GET /stats/stream HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nUser-Agent: "
               "Mozilla/5.0 (X11; Linux x86_64) Chrome/124.0 stream-memory\r\n"
               "Accept: text/event-stream\r\n\r\n").encode()  # fmt: skip
    socks = []
    while len(socks) < n:
        group = []
        for _ in range(min(batch, n - len(socks))):
            sock = socket.create_connection(("127.0.0.1", port), timeout=30)
            sock.sendall(request)
            group.append(sock)
        for sock in group:
            data = b""
            while b"event: stats" not in data:
                chunk = sock.recv(65536)
                if not chunk:
                    raise ConnectionError(f"stream closed before its first event: {data!r}")
                data += chunk
        socks += group
    return socks


def main() -> int:
    import argparse
    import shutil
    import tempfile

    from benchlib import ROOT, Server, http_get, portal_env, prepare_instance, raise_nofile

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--streams", type=int, default=2000)
    parser.add_argument("--tracemalloc", action="store_true")
    parser.add_argument("--top", type=int, default=25)
    args = parser.parse_args()
    raise_nofile()
    workdir = Path(tempfile.mkdtemp(prefix="bench-stream-memory-"))
    triggers = workdir / "triggers"
    triggers.mkdir()
    instance = workdir / "instance"
    prepare_instance(instance)
    env = {**portal_env(instance), "FLASK_STATS_STREAM_PER_IP": "0",
           "FLASK_STATS_STREAM_PER_VISITOR": "0"}  # fmt: skip
    app = "wsgi:app"
    if args.tracemalloc:
        env[TRIGGERS_ENV] = str(triggers)
        app = "bench.stream_memory:app"
    server = Server("stream-memory", app, workdir, workers=1,
                    worker_connections=args.streams + 1000, env=env, instance=instance)  # fmt: skip
    socks: list = []
    try:
        server.start("/healthz")
        for _ in range(20):
            http_get(server.base + "/api/stats")
        for sock in open_streams(server.port, 200):  # warm-up: first streams, then gone
            sock.close()
        time.sleep(2.0)
        (worker,) = server.worker_procs()

        def snapshot(name: str):
            if not args.tracemalloc:
                return None
            (triggers / f"{name}.want").touch()
            done = triggers / f"{name}-{worker.pid}.done"
            while not done.exists():
                time.sleep(0.1)
            return tracemalloc.Snapshot.load(str(triggers / f"{name}-{worker.pid}.snap"))

        before = snapshot("before")
        rss0 = worker.memory_info().rss
        socks = open_streams(server.port, args.streams)
        time.sleep(2.0)
        rss1 = worker.memory_info().rss
        after = snapshot("after")
        n = args.streams
        if args.tracemalloc:  # its own tables make RSS meaningless: only the breakdown
            print(f"\n{n:,} streams on one worker (code {server.version}, tracemalloc on)")
        else:
            print(f"\n{n:,} streams on one worker (code {server.version}): worker RSS "
                  f"{rss0 / 2**20:.1f} MB → {rss1 / 2**20:.1f} MB, "
                  f"**{(rss1 - rss0) / n / 1024:.1f} KB per stream**")  # fmt: skip
        if before is not None and after is not None:
            stats = after.compare_to(before, "lineno")
            traced = sum(s.size_diff for s in stats)
            print(f"\nPython allocations (tracemalloc): {traced / n / 1024:.1f} KB per stream; "
                  "the largest, by the line that allocated:\n")  # fmt: skip
            print("| bytes per stream | objects per stream | line |")
            print("|---:|---:|---|")
            site = str(Path(shutil.__file__).parent)
            for stat in stats[: args.top]:
                frame = stat.traceback[0]
                where = frame.filename.replace(str(ROOT) + "/", "")
                where = where.split("site-packages/")[-1].replace(site + "/", "")
                print(f"| {stat.size_diff / n:,.0f} | {stat.count_diff / n:.1f} | "
                      f"`{where}:{frame.lineno}` |")  # fmt: skip
    finally:
        for sock in socks:
            sock.close()
        server.stop()
        shutil.rmtree(workdir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    os.chdir(Path(__file__).resolve().parent.parent)
    sys.exit(main())
