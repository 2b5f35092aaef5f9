"""What the operations layer adds to every request, in-process, in nanoseconds per call.

Every request passes app/observability/request_id.py::RequestIds (an id, the X-Request-ID
header, and noting what the page view became). Counting a page view for /metrics costs a
dict update (app/observability/counts.py); the alternative this measures it against is
prometheus_client's multiprocess Counter, which writes an mmap per increment, and which the
portal only touches once a second per worker (app/observability/metrics.py::Publisher).

    .venv/bin/python bench/observability_overhead.py [--calls 200000]

Prints a Markdown table. Compare with the article page's cost per request in
bench/README.md (hundreds of microseconds): these are fractions of a microsecond.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import timeit
from pathlib import Path
from types import SimpleNamespace

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def per_call_ns(fn, calls: int, repeat: int = 5) -> float:
    """The best of `repeat` runs of `calls` calls, in ns per call."""
    return min(timeit.repeat(fn, number=calls, repeat=repeat)) / calls * 1e9


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--calls", type=int, default=200_000)
    calls = parser.parse_args().calls

    with tempfile.TemporaryDirectory(prefix="bench-metrics-") as folder:
        # Before prometheus_client is imported: it picks its value class then.
        os.environ["PROMETHEUS_MULTIPROC_DIR"] = folder
        from prometheus_client import Counter

        from app.observability import counts
        from app.observability.request_id import RequestIds
        from app.page_view import ENVIRON_KEY

        view = SimpleNamespace(counted=True, item="article:12", hit=object(),
                               visitor=SimpleNamespace(is_bot=False))  # fmt: skip
        environ = {"REQUEST_METHOD": "GET", "PATH_INFO": "/", ENVIRON_KEY: view}

        def page(environ, start_response):
            start_response("200 OK", [("Content-Type", "text/html")])
            return [b""]

        def start_response(status, headers, exc_info=None):
            return None

        layered = RequestIds(page, False, counts.note_page_view)
        counter = Counter("bench_views", "bench", ["kind", "outcome", "visitor"], registry=None)
        child = counter.labels("article", "counted", "human")

        rows = [
            ("a WSGI call without the layer", per_call_ns(lambda: page(environ, start_response),
                                                          calls)),
            ("the same call through RequestIds (id, header, page view noted)",
             per_call_ns(lambda: layered(environ, start_response), calls)),
            ("counts.note_page_view alone (a dict update)",
             per_call_ns(lambda: counts.note_page_view(environ), calls)),
            ("prometheus_client multiprocess Counter: labels(...).inc()",
             per_call_ns(lambda: counter.labels("article", "counted", "human").inc(), calls)),
            ("prometheus_client multiprocess Counter: bound child .inc()",
             per_call_ns(child.inc, calls)),
        ]  # fmt: skip
    base = rows[0][1]
    print(f"# bench/observability_overhead.py — {calls:,} calls, best of 5, Python "
          f"{sys.version.split()[0]}\n")  # fmt: skip
    print("| what | ns per call |")
    print("|---|---:|")
    for what, ns in rows:
        print(f"| {what} | {ns:,.0f} |")
    print(f"\nThe layer adds **{rows[1][1] - base:,.0f} ns** per request.")


if __name__ == "__main__":
    main()
