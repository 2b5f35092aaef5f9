"""Page-view throughput: our article page against a minimal Flask "hello", both served by
gunicorn with gevent workers (gunicorn.conf.py, 2 workers), 50 connections, fixed duration,
in alternating rounds: hello, the article for one cookie-less visitor, and a realistic mix
(returning readers with their cookie over 18 articles, every tenth request a new visitor).
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
    """SHA1 of the page-view Lua script (MONITOR shows scripts by SHA)."""
    sys.path.insert(0, str(ROOT))
    from app.stats.scripts import RECORD_HIT

    return hashlib.sha1(RECORD_HIT.encode()).hexdigest()


RECORD_HIT_SHA = _record_hit_sha()


def run_load(tool: str, url: str, *, connections: int, duration: int, threads: int,
             headers: list[str], mix: Path | None = None) -> dict:  # fmt: skip
    if tool == "wrk":
        script = "wrk_mix.lua" if mix else "wrk_report.lua"
        cmd = ["wrk", f"-t{threads}", f"-c{connections}", f"-d{duration}s", "--timeout", "30s",
               "-s", str(HERE / script)]  # fmt: skip
    else:
        if mix:
            raise RuntimeError("the realistic mix needs wrk (apt-get install wrk)")
        cmd = [PYTHON, str(HERE / "loadgen.py"), "-c", str(connections), "-d", str(duration)]
    for header in headers:
        cmd += ["-H", header]
    cmd.append(url)
    if mix:
        cmd += ["--", str(mix)]
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


def write_mix(path: Path, instance: Path, lines: int = 20000, readers: int = 2000) -> Path:
    """The realistic mix: returning readers (their signed cookie) over the 18 newest
    articles, every tenth request a new visitor without a cookie."""
    import random
    import sqlite3

    sys.path.insert(0, str(ROOT))
    from app.visitor import new_cookie

    secret = (instance / "secret_key").read_text().strip()
    cookies = [new_cookie(secret)[1] for _ in range(readers)]
    db = sqlite3.connect(instance / "portal.db")
    try:
        slugs = [row[0] for row in db.execute(
            "SELECT slug FROM articles WHERE status = 'published' "
            "AND published_at <= datetime('now') ORDER BY published_at DESC LIMIT 18")]  # fmt: skip
    finally:
        db.close()
    chooser = random.Random(10)
    with path.open("w") as out:
        for n in range(lines):
            cookie = "" if n % 10 == 9 else chooser.choice(cookies)
            out.write(f"/tin-tuc/{chooser.choice(slugs)}\t{cookie}\n")
    return path


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
    parser.add_argument("--rounds", type=int, default=3, help="alternating rounds")
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

        mix = write_mix(workdir / "mix.tsv", instance)
        print(f"warm-up {args.warmup}s per page ...", file=sys.stderr)
        run_load(tool, hello.base + "/", duration=args.warmup, headers=headers, **load)
        warm = run_load(tool, portal.base + path, duration=args.warmup, headers=headers, **load)
        warm_mix = run_load(tool, portal.base + "/", duration=args.warmup, headers=headers,
                            mix=mix, **load)  # fmt: skip
        c1 = counters(portal, article_id)
        runs: dict[str, list[dict]] = {"hello": [], "article": [], "mix": []}
        for round_ in range(args.rounds):
            print(f"round {round_ + 1}/{args.rounds}: hello, article, mix, "
                  f"{args.duration}s each ...", file=sys.stderr)  # fmt: skip
            for name, base, extra in (("hello", hello.base + "/", {}),
                                      ("article", portal.base + path, {}),
                                      ("mix", portal.base + "/", {"mix": mix})):  # fmt: skip
                quiet[f"{name} {round_ + 1}"] = wait_quiet(args.quiet_wait)
                before = counters(portal, article_id) if name != "hello" else None
                cpu = CpuAccount()
                res = run_load(tool, base, duration=args.duration, headers=headers, **load,
                               **extra)  # fmt: skip
                res["cpu"] = cpu.result()
                if before is not None:
                    time.sleep(1.5)  # the requests in flight when the generator stopped finish
                    res["views_counted"] = counters(portal, article_id)["views"] - before["views"]
                runs[name].append(res)
        time.sleep(1.5)
        c2 = counters(portal, article_id)
        cmds, idle_cmds, sample_s = monitor_sample(portal, path, args.monitor_views)
        c3 = counters(portal, article_id)
    finally:
        for server in servers:
            server.stop()
    problems = {s.name: s.log_problems() for s in servers}

    # Report
    def median(name: str, key: str) -> float:
        values = sorted(r[key] for r in runs[name])
        return values[len(values) // 2]

    ratios = {name: [a["rps"] / h["rps"] for a, h in zip(runs[name], runs["hello"], strict=True)]
              for name in ("article", "mix")}  # fmt: skip
    ratio = sorted(ratios["article"])[len(ratios["article"]) // 2]
    ratio_mix = sorted(ratios["mix"])[len(ratios["mix"]) // 2]
    print(f"\n### Page views — {started:%Y-%m-%d %H:%M %Z}, {os.cpu_count()} CPUs, "
          f"{args.workers} gevent workers each, {args.connections} connections, "
          f"{args.rounds} alternating rounds of {args.duration} s per page, load generator: "
          f"{tool}, code {portal.version}\n")  # fmt: skip
    print("| round | page | req/s | p50 ms | p90 ms | p99 ms | max ms | responses | non-2xx/3xx "
          "| socket errors | views counted / sent | CPU used by other processes |")  # fmt: skip
    print("|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    labels = {
        "hello": "hello (`bench/hello_app.py`)",
        "article": f"article `{path[:24]}…`, one cookie-less visitor",
        "mix": "articles, realistic mix (18 articles, returning readers, 1 in 10 new)",
    }
    for round_ in range(args.rounds):
        for name in ("hello", "article", "mix"):
            res = runs[name][round_]
            counted = (f"{res['views_counted']:,} / {res['sent']:,}"
                       if "views_counted" in res else "")  # fmt: skip
            print(
                f"| {round_ + 1} | {labels[name]} | {res['rps']:,.0f} | {fmt_ms(res['p50_us'])}"
                f" | {fmt_ms(res['p90_us'])} | {fmt_ms(res['p99_us'])} | "
                f"{fmt_ms(res['max_us'])} | {res['requests']:,} | {res['status_errors']} | "
                f"{res['socket_errors']} | {counted} | {res['cpu']['others_pct']:.0f} % |"
            )
    print(
        f"| | **article / hello** (median of rounds: "
        f"{', '.join(f'{r:.2f}' for r in ratios['article'])}) | **{ratio:.2f} ×** "
        "| | | | | | | | | |"
    )
    print(
        f"| | **realistic mix / hello** (median of rounds: "
        f"{', '.join(f'{r:.2f}' for r in ratios['mix'])}) | **{ratio_mix:.2f} ×** "
        "| | | | | | | | | |"
    )

    p99_ms = median("article", "p99_us") / 1000
    p99_mix_ms = median("mix", "p99_us") / 1000
    evalsha = cmds.get("EVALSHA record_hit", 0)
    background = ", ".join(f"{k} {v}" for k, v in sorted(cmds.items()) if k != "EVALSHA record_hit")
    idle_background = ", ".join(f"{k} {v}" for k, v in sorted(idle_cmds.items()))
    print("\n| target (DESIGN.md) | measured | result |\n|---|---|---|")
    print(f"| article ≥ 0.5 × hello req/s | {ratio:.2f} × | "
          f"{'PASS' if ratio >= 0.5 else 'FAIL'} |")  # fmt: skip
    print(f"| article p99 ≤ 100 ms (median of rounds) | {p99_ms:,.0f} ms | "
          f"{'PASS' if p99_ms <= 100 else 'FAIL'} |")  # fmt: skip
    print(f"| realistic mix: ≥ 0.5 × hello, p99 ≤ 100 ms | {ratio_mix:.2f} ×, "
          f"{p99_mix_ms:,.0f} ms | "
          f"{'PASS' if ratio_mix >= 0.5 and p99_mix_ms <= 100 else 'FAIL'} |")  # fmt: skip
    print(f"| 1 Redis round trip per page view | {evalsha / args.monitor_views:.2f} "
          f"EVALSHA (page-view script) per view (MONITOR, {args.monitor_views} sequential "
          f"views in {sample_s:.1f} s; other commands then: {background or 'none'}; in "
          f"an idle window as long right after: {idle_background or 'none'}) | "
          f"{'PASS' if evalsha == args.monitor_views else 'FAIL'} |")  # fmt: skip

    exact = True
    print("\n| counter check | expected | counted | match |")
    print("|---|---|---:|---|")
    for name in ("article", "mix"):
        for round_, res in enumerate(runs[name], 1):
            ok = res["requests"] - res["status_errors"]
            match = res["views_counted"] == res["sent"] and ok == res["requests"]
            exact = exact and match
            print(
                f"| page views Δ in Redis (`st:day:<date>` field `views`), {name} round "
                f"{round_} | {res['sent']:,} = requests {tool} sent: {ok:,} answered 2xx "
                f"before its timer stopped + {res['sent'] - res['requests']} in flight then "
                f"| {res['views_counted']:,} | {'yes, exact' if match else 'NO'} |"
            )
    warm_views = c1["views"] - c0["views"]
    warm_sent = 1 + warm["sent"] + warm_mix["sent"]
    print(f"| page views Δ, check request + warm-ups | {warm_sent:,} | {warm_views:,} | "
          f"{'yes' if warm_views == warm_sent else 'NO'} |")  # fmt: skip
    mon_views = c3["views"] - c2["views"]
    print(f"| page views Δ, MONITOR sample | {args.monitor_views} | {mon_views} | "
          f"{'yes' if mon_views == args.monitor_views else 'NO'} |")  # fmt: skip
    d = {k: c2[k] - c1[k] for k in c1}
    print(
        f"\nRedis during the timed runs: {d['evalsha']:,} EVALSHA for {d['views']:,} page "
        f"views; keys {d['keys']:+,}, used memory {d['used_memory'] / 1e6:+.1f} MB."
    )
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
    if not exact or any(r["status_errors"] or r["socket_errors"]
                        for name in ("article", "mix") for r in runs[name]):  # fmt: skip
        rc = 1
    json_path = workdir / "pageviews.json"
    json_path.write_text(json.dumps({"runs": runs, "counters":
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
