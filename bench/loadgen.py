"""Python fallback load generator for bench/pageviews.py, used when `wrk` is not installed.

C gevent greenlets, each with one keep-alive HTTP/1.1 connection, send GETs back to back for
a fixed duration; a greenlet finishes the request it has in flight when time is up, so every
sent request is answered. Prints the same BENCH_JSON line as bench/wrk_report.lua.

One Python process: at a few thousand requests per second the generator itself, not the
server, can be the bottleneck (wrk costs far less per request). Prefer wrk.

    python bench/loadgen.py http://127.0.0.1:5000/ -c 50 -d 15 -H "User-Agent: ..."
"""

from __future__ import annotations

import argparse
import json
import math
import time
from urllib.parse import urlsplit

import gevent
from gevent import socket


def read_response(sock, buf: bytes) -> tuple[int, bool, bytes, int]:
    """Read one response; returns (status, keep-alive, leftover bytes, bytes read)."""
    while b"\r\n\r\n" not in buf:
        data = sock.recv(65536)
        if not data:
            raise ConnectionError("closed before the headers")
        buf += data
    head, _, buf = buf.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split()[1])
    headers = {}
    for line in lines[1:]:
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip().lower()
    size = len(head) + 4
    if headers.get("transfer-encoding") == "chunked":
        while True:
            while b"\r\n" not in buf:
                buf += sock.recv(65536)
            line, _, buf = buf.partition(b"\r\n")
            chunk = int(line.split(b";")[0], 16)
            while len(buf) < chunk + 2:
                data = sock.recv(65536)
                if not data:
                    raise ConnectionError("closed inside a chunk")
                buf += data
            size += len(line) + chunk + 4
            buf = buf[chunk + 2 :]
            if chunk == 0:
                break
    else:
        length = int(headers.get("content-length", "0"))
        while len(buf) < length:
            data = sock.recv(65536)
            if not data:
                raise ConnectionError("closed inside the body")
            buf += data
        size += length
        buf = buf[length:]
    keep = headers.get("connection") != "close"
    return status, keep, buf, size


def run(url: str, connections: int, duration: float, headers: list[str], timeout: float) -> dict:
    parts = urlsplit(url)
    host, port = parts.hostname, parts.port or 80
    path = parts.path or "/"
    if parts.query:
        path += "?" + parts.query
    lines = [f"GET {path} HTTP/1.1", f"Host: {host}:{port}", *headers, "", ""]
    request = "\r\n".join(lines).encode()
    stats = dict.fromkeys(["sent", "requests", "bytes", "connect_errors", "read_errors",
                           "write_errors", "status_errors", "timeouts"], 0)  # fmt: skip
    latencies: list[float] = []
    deadline = time.perf_counter() + duration

    def worker() -> None:
        sock, buf = None, b""
        while time.perf_counter() < deadline:
            if sock is None:
                try:
                    sock = socket.create_connection((host, port), timeout=timeout)
                except OSError:
                    stats["connect_errors"] += 1
                    gevent.sleep(0.1)
                    continue
                buf = b""
            started = time.perf_counter()
            try:
                sock.sendall(request)
            except OSError:
                stats["write_errors"] += 1
                sock.close()
                sock = None
                continue
            stats["sent"] += 1
            try:
                status, keep, buf, size = read_response(sock, buf)
            except TimeoutError:
                stats["timeouts"] += 1
                sock.close()
                sock = None
                continue
            except (OSError, ValueError, IndexError):
                stats["read_errors"] += 1
                sock.close()
                sock = None
                continue
            latencies.append(time.perf_counter() - started)
            stats["requests"] += 1
            stats["bytes"] += size
            if status >= 400:
                stats["status_errors"] += 1
            if not keep:
                sock.close()
                sock = None
        if sock is not None:
            sock.close()

    started = time.perf_counter()
    gevent.joinall([gevent.spawn(worker) for _ in range(connections)])
    elapsed = time.perf_counter() - started
    latencies.sort()

    def pct(p: float) -> int:
        if not latencies:
            return 0
        rank = max(1, min(len(latencies), math.ceil(p / 100 * len(latencies))))
        return int(latencies[rank - 1] * 1e6)

    mean = sum(latencies) / len(latencies) * 1e6 if latencies else 0.0
    return {"tool": "python-gevent", **stats, "duration_us": int(elapsed * 1e6),
            "p50_us": pct(50), "p90_us": pct(90), "p99_us": pct(99),
            "max_us": int(latencies[-1] * 1e6) if latencies else 0, "mean_us": mean}  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("url")
    parser.add_argument("-c", "--connections", type=int, default=50)
    parser.add_argument("-d", "--duration", type=float, default=15.0)
    parser.add_argument("-H", "--header", action="append", default=[])
    parser.add_argument("--timeout", type=float, default=30.0)
    args = parser.parse_args()
    result = run(args.url, args.connections, args.duration, args.header, args.timeout)
    print("BENCH_JSON " + json.dumps(result), flush=True)


if __name__ == "__main__":
    main()
