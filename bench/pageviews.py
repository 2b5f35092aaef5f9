"""Page-view throughput: our article page against a minimal Flask "hello", both served by
gunicorn with gevent workers (gunicorn.conf.py, 2 workers), 50 connections, fixed duration.
Then checks that the statistics counted exactly the page views served, and how many Redis
round trips one page view costs.

    .venv/bin/python bench/pageviews.py [--duration 15] [--connections 50] [--tool auto]

Uses wrk (Debian package `wrk`) when installed, else bench/loadgen.py (Python + gevent).
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import http.client
import importlib.util
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path

from benchlib import (
    BROWSER_UA,
    PYTHON,
    ROOT,
    CpuAccount,
    Server,
    article_views_sql,
    http_get,
    newest_article_slug,
    parse_bench_json,
    portal_env,
    prepare_instance,
    raise_nofile,
    wait_quiet,
)

HERE = Path(__file__).resolve().parent


def _record_hit_sha() -> str:
    """SHA1 of the page-view Lua script, read from app/stats/scripts.py without importing
    the app package (MONITOR shows scripts by SHA)."""
    spec = importlib.util.spec_from_file_location("_scripts", ROOT / "app/stats/scripts.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return hashlib.sha1(module.RECORD_HIT.encode()).hexdigest()


RECORD_HIT_SHA = _record_hit_sha()


def run_load(tool: str, url: str, *, connections: int, duration: int, threads: int,
             headers: list[str]) -> dict:  # fmt: skip
    if tool == "wrk":
        cmd = ["wrk", f"-t{threads}", f"-c{connections}", f"-d{duration}s", "--timeout", "30s",
               "-s", str(HERE / "wrk_report.lua")]  # fmt: skip
    else:
        cmd = [PYTHON, str(HERE / "loadgen.py"), "-c", str(connections), "-d", str(duration)]
    for header in headers:
        cmd += ["-H", header]
    cmd.append(url)
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=duration + 120)
    if done.returncode != 0:
        raise RuntimeError(f"{cmd[0]} failed ({done.returncode}):\n{done.stderr[-2000:]}")
    result = parse_bench_json(done.stdout)
    result["rps"] = result["requests"] / (result["duration_us"] / 1e6)
    result["socket_errors"] = sum(result[k] for k in ("connect_errors", "read_errors",
                                                      "write_errors", "timeouts"))  # fmt: skip
    return result


def counters(server: Server, article_id: int) -> dict:
    """Redis' page-view counters (every st:day:* hash), the article's view count (SQL +
    pending in Redis), and Redis' own statistics."""
    r = server.redis()
    for _ in range(5):  # the flush job may move pending counts into SQL while we read
        before = article_views_sql(server.instance, article_id)
        pending = sum(int(r.hget(f"st:{key}:article", str(article_id)) or 0)
                      for key in ("pending", "flushing"))  # fmt: skip
        if article_views_sql(server.instance, article_id) == before:
            break
        time.sleep(0.2)
    days = Counter()
    for key in r.scan_iter("st:day:*"):
        for field, value in r.hgetall(key).items():
            days[field] += int(value)
    info = r.info("all")
    return {
        "views": days["views"],
        "visits": days["visits"],
        "bot_views": days["bot_views"],
        "article_views": before + pending,
        "evalsha": info.get("cmdstat_evalsha", {}).get("calls", 0),
        "keys": r.dbsize(),
        "used_memory": info["used_memory"],
    }


def monitor_sample(server: Server, path: str, views: int) -> tuple[Counter, Counter, float]:
    """Redis commands sent by clients (not by Lua) while `views` page views are served one
    after another, and in an idle window just as long right after (the background jobs'
    share). MONITOR is on only for this sample, never during the timed runs."""
    entries: list[tuple[float, str]] = []
    stop = threading.Event()
    ready = threading.Event()

    def listen() -> None:
        with server.redis().monitor() as monitor:
            ready.set()
            for entry in monitor.listen():
                if stop.is_set():
                    return
                if entry.get("client_type") == "lua":
                    continue
                words = entry["command"].split()
                name = words[0].strip('"').upper()
                if name == "EVALSHA" and len(words) > 1:
                    kind = "record_hit" if words[1].strip('"') == RECORD_HIT_SHA else "other"
                    name = f"EVALSHA {kind}"
                entries.append((entry["time"], name))

    thread = threading.Thread(target=listen, daemon=True)
    thread.start()
    ready.wait(5)
    time.sleep(0.5)
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
    start = time.time()
    for _ in range(views):
        conn.request("GET", path, headers={"User-Agent": BROWSER_UA})
        response = conn.getresponse()
        response.read()
        if response.status != 200:
            raise RuntimeError(f"monitor sample: {path} answered {response.status}")
    end = time.time()
    conn.close()
    time.sleep(end - start + 0.5)
    stop.set()
    thread.join(timeout=5)
    during = Counter(name for t, name in entries if start <= t <= end)
    idle = Counter(name for t, name in entries if end < t <= end + (end - start))
    return during, idle, end - start


def fmt_ms(us: float) -> str:
    return f"{us / 1000:,.1f}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=int, default=15, help="seconds per timed run")
    parser.add_argument("--warmup", type=int, default=3, help="seconds of warm-up per page")
    parser.add_argument("--connections", type=int, default=50)
    parser.add_argument("--threads", type=int, default=2, help="wrk threads")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--tool", choices=["auto", "wrk", "python"], default="auto")
    parser.add_argument("--monitor-views", type=int, default=200)
    parser.add_argument(
        "--quiet-wait",
        type=float,
        default=180,
        help="max seconds to wait for other processes to go idle before a run",
    )
    parser.add_argument("--keep", action="store_true", help="keep the temp dir (logs, DB)")
    args = parser.parse_args()
    tool = args.tool
    if tool == "auto":
        tool = "wrk" if shutil.which("wrk") else "python"
    raise_nofile()

    workdir = Path(tempfile.mkdtemp(prefix="bench-pageviews-"))
    instance = workdir / "instance"
    started = dt.datetime.now().astimezone()
    print(f"# bench/pageviews.py — {started:%Y-%m-%d %H:%M %Z}, {os.cpu_count()} CPUs, "
          f"load generator: {tool}, temp dir {workdir}", file=sys.stderr)  # fmt: skip
    prepare_instance(instance)
    portal = Server("portal", "wsgi:app", workdir, workers=args.workers,
                    env=portal_env(instance), instance=instance)  # fmt: skip
    # The hello app needs no Redis: a REDIS_URL keeps gunicorn.conf.py's on_starting hook
    # from starting the embedded one; everything else is the same gunicorn setup.
    hello_env = dict(os.environ, REDIS_URL="redis://127.0.0.1:1/0")
    hello = Server("hello", "bench.hello_app:app", workdir, workers=args.workers, env=hello_env)
    servers = [portal, hello]
    rc = 0
    quiet: dict[str, float] = {}
    try:
        portal.start("/healthz")
        hello.start("/")
        article_id, slug = newest_article_slug(instance)
        path = f"/tin-tuc/{slug}"
        load = dict(connections=args.connections, threads=args.threads)
        headers = [f"User-Agent: {BROWSER_UA}"]  # no Cookie header: a cookie-less visitor
        time.sleep(1)
        c0 = counters(portal, article_id)
        status, _ = http_get(portal.base + path, {"User-Agent": BROWSER_UA})
        if status != 200:
            raise RuntimeError(f"{path} answered {status}")

        print(f"hello: warm-up {args.warmup}s, run {args.duration}s ...", file=sys.stderr)
        run_load(tool, hello.base + "/", duration=args.warmup, headers=headers, **load)
        quiet["hello"] = wait_quiet(args.quiet_wait)
        cpu = CpuAccount()
        res_hello = run_load(tool, hello.base + "/", duration=args.duration, headers=headers,
                             **load)  # fmt: skip
        res_hello["cpu"] = cpu.result()

        print(f"article: warm-up {args.warmup}s, run {args.duration}s ...", file=sys.stderr)
        warm = run_load(tool, portal.base + path, duration=args.warmup, headers=headers, **load)
        quiet["article"] = wait_quiet(args.quiet_wait)
        c1 = counters(portal, article_id)
        cpu = CpuAccount()
        res_art = run_load(tool, portal.base + path, duration=args.duration, headers=headers,
                           **load)  # fmt: skip
        res_art["cpu"] = cpu.result()
        time.sleep(1.5)  # the requests in flight when the load generator stopped finish
        c2 = counters(portal, article_id)
        cmds, idle_cmds, sample_s = monitor_sample(portal, path, args.monitor_views)
        c3 = counters(portal, article_id)
    finally:
        for server in servers:
            server.stop()
    problems = {s.name: s.log_problems() for s in servers}

    # Report
    ratio = res_art["rps"] / res_hello["rps"]
    d = {k: c2[k] - c1[k] for k in c1}
    print(f"\n### Page views — {started:%Y-%m-%d %H:%M %Z}, {os.cpu_count()} CPUs, "
          f"{args.workers} gevent workers each, {args.connections} connections, "
          f"{args.duration} s per run, load generator: {tool}, code {portal.version}"
          "\n")  # fmt: skip
    print("| page | req/s | p50 ms | p90 ms | p99 ms | max ms | responses | non-2xx/3xx "
          "| socket errors | CPU used by other processes |")  # fmt: skip
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    rows = (("hello (`bench/hello_app.py`)", res_hello), (f"article `{path[:32]}…`", res_art))
    for name, res in rows:
        print(f"| {name} | {res['rps']:,.0f} | {fmt_ms(res['p50_us'])} | {fmt_ms(res['p90_us'])}"
              f" | {fmt_ms(res['p99_us'])} | {fmt_ms(res['max_us'])} | {res['requests']:,} | "
              f"{res['status_errors']} | {res['socket_errors']} | "
              f"{res['cpu']['others_pct']:.0f} % |")  # fmt: skip
    print(f"| **article / hello** | **{ratio:.2f} ×** | | | | | | | | |")

    p99_ms = res_art["p99_us"] / 1000
    evalsha = cmds.get("EVALSHA record_hit", 0)
    background = ", ".join(f"{k} {v}" for k, v in sorted(cmds.items()) if k != "EVALSHA record_hit")
    idle_background = ", ".join(f"{k} {v}" for k, v in sorted(idle_cmds.items()))
    print("\n| target (DESIGN.md) | measured | result |\n|---|---|---|")
    print(f"| article ≥ 0.5 × hello req/s | {ratio:.2f} × | "
          f"{'PASS' if ratio >= 0.5 else 'FAIL'} |")  # fmt: skip
    print(f"| article p99 ≤ 100 ms | {p99_ms:,.0f} ms | {'PASS' if p99_ms <= 100 else 'FAIL'} |")
    print(f"| 1 Redis round trip per page view | {evalsha / args.monitor_views:.2f} "
          f"EVALSHA (page-view script) per view (MONITOR, {args.monitor_views} sequential "
          f"views in {sample_s:.1f} s; other commands then: {background or 'none'}; in "
          f"an idle window as long right after: {idle_background or 'none'}) | "
          f"{'PASS' if evalsha == args.monitor_views else 'FAIL'} |")  # fmt: skip

    sent, done = res_art["sent"], res_art["requests"]
    ok = done - res_art["status_errors"]
    exact = d["views"] == sent and ok == done
    print("\n| counter check | expected | counted | match |")
    print("|---|---|---:|---|")
    print(f"| page views Δ in Redis (`st:day:<date>` field `views`), timed article run | "
          f"{sent:,} = requests {tool} sent: {ok:,} answered 2xx before its timer stopped + "
          f"{sent - done} in flight then | {d['views']:,} | "
          f"{'yes, exact' if exact else 'NO'} |")  # fmt: skip
    warm_views = c1["views"] - c0["views"]
    print(f"| page views Δ, check request + warm-up | 1 + {warm['sent']:,} | {warm_views:,} | "
          f"{'yes' if warm_views == warm['sent'] + 1 else 'NO'} |")  # fmt: skip
    mon_views = c3["views"] - c2["views"]
    print(f"| page views Δ, MONITOR sample | {args.monitor_views} | {mon_views} | "
          f"{'yes' if mon_views == args.monitor_views else 'NO'} |")  # fmt: skip
    print(f"| visits (Hôm nay) Δ, timed run | 0: one cookie-less visitor (IP + UA), visit "
          f"opened before | {d['visits']} | {'yes' if d['visits'] == 0 else 'NO'} |")  # fmt: skip
    art_total = c3["article_views"] - c0["article_views"]
    print(f"| article views Δ (SQL + pending in Redis), whole run | 1: once per visitor per "
          f"visit | {art_total} | {'yes' if art_total == 1 else 'NO'} |")  # fmt: skip
    print(f"\nRedis during the timed article run: {d['evalsha']:,} EVALSHA for "
          f"{d['views']:,} page views; keys {d['keys']:+,} "
          f"({d['keys'] / max(1, d['views']):+.2f} per page view), used memory "
          f"+{d['used_memory'] / 1e6:.1f} MB "
          f"({d['used_memory'] / max(1, d['views']):.0f} B per page view).")  # fmt: skip
    for server in servers:
        lines = problems[server.name]
        lost = server.log_count("stats subscriber lost Redis")
        if lines:
            rc = 1
            print(f"\n{server.name} server log: {len(lines)} problem lines, first ones:")
            for line in lines[:10]:
                print("    " + line[:300])
        else:
            print(f"\n{server.name} server log: no errors, tracebacks or worker timeouts.")
        if lost:
            print(f"{server.name} server log: {lost} × 'stats subscriber lost Redis'.")
        breaker = server.log_lines("Redis unavailable for statistics")
        if breaker:
            print(f"{server.name} server log: {len(breaker)} × circuit breaker tripped, e.g. "
                  f"`{breaker[0][:160]}`")  # fmt: skip
    if res_art["status_errors"] or res_art["socket_errors"] or not exact:
        rc = 1
    json_path = workdir / "pageviews.json"
    json_path.write_text(json.dumps({"hello": res_hello, "article": res_art, "counters":
                                     [c0, c1, c2, c3], "monitor": cmds,
                                     "monitor_idle": idle_cmds}, indent=1))  # fmt: skip
    if args.keep or rc:
        print(f"\n(kept {workdir}: logs and raw results)")
    else:
        shutil.rmtree(workdir, ignore_errors=True)
    return rc


if __name__ == "__main__":
    os.chdir(ROOT)
    sys.exit(main())
