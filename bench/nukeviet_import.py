"""How long `flask import-nukeviet` takes on a big NukeViet site: 50,000 articles and 5,000
documents by default (the dump from `bench/nukeviet_dump.py`, generated once and reused).

Each run is the real command in a child process, on a fresh instance folder (migrated
SQLite, its own embedded Redis) or on `--database-url` (a scratch PostgreSQL database: its
tables are dropped first). Printed: wall time, rows a second per kind, peak RSS of the
import process, what the database holds after it, and a second run's time (it must add
nothing). `--profile FILE` keeps cProfile's figures of the first run and prints the top.

    .venv/bin/python bench/nukeviet_import.py                       # 50,000 + 5,000
    .venv/bin/python bench/nukeviet_import.py --articles 2000 --documents 200 --profile /tmp/p
    .venv/bin/python bench/nukeviet_import.py --database-url postgresql://u:p@127.0.0.1/scratch
"""

from __future__ import annotations

import argparse
import os
import pstats
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchlib import PYTHON, ROOT, code_version, portal_env  # noqa: E402
from nukeviet_dump import Plan, generate  # noqa: E402

from app.nukeviet.importer import KIND_LABELS  # noqa: E402

# The import in the child: the flask command, then its peak RSS (and its profile) on stderr.
CHILD = """
import atexit, os, resource, sys
profile_path = os.environ.get("BENCH_PROFILE")
if profile_path:
    import cProfile
    profiler = cProfile.Profile()
    atexit.register(lambda: profiler.dump_stats(profile_path))
    profiler.enable()
def report():
    use = resource.getrusage(resource.RUSAGE_SELF)
    print("BENCH-RSS-KB", use.ru_maxrss, use.ru_utime + use.ru_stime, file=sys.stderr, flush=True)
atexit.register(report)
from flask.cli import main
sys.argv = ["flask", *sys.argv[1:]]
main()
"""
REPORT_LINE = re.compile(r"^- (.+?): thêm mới (\d+), đã có (\d+), bỏ qua (\d+)$")
LABEL_KIND = {label: kind for kind, label in KIND_LABELS.items()}
DUMPS = Path(tempfile.gettempdir()) / "nukeviet-bench"
COUNTED = ("articles", "categories", "tags", "comments", "documents", "document_files",
           "signers", "media_items", "nukeviet_map")  # fmt: skip


def cpu_seconds(pid: int) -> float:
    """User + system CPU of a running process so far (Linux /proc)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def env_for(instance: Path, database_url: str) -> dict:
    env = portal_env(instance)
    env.pop("BENCH_PROFILE", None)
    if database_url:
        env["DATABASE_URL"] = database_url
    return env


def empty_database(database_url: str) -> None:
    """Drop every table of the scratch PostgreSQL database (then `flask db upgrade`)."""
    from sqlalchemy import create_engine, text

    engine = create_engine(database_url)
    with engine.begin() as conn:
        conn.execute(text("DROP SCHEMA public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    engine.dispose()


def run_import(env: dict, dump: Path, uploads: Path, profile: Path | None) -> dict:
    """One `flask import-nukeviet` run: wall time, the time each kind's progress bar
    stayed the newest one, peak RSS, the report's counts."""
    child_env = dict(env)
    if profile is not None:
        child_env["BENCH_PROFILE"] = str(profile)
    started = time.monotonic()
    process = subprocess.Popen(
        [PYTHON, "-c", CHILD, "import-nukeviet", str(dump), "--uploads", str(uploads)],
        cwd=ROOT, env=child_env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    marks: list[tuple[float, float, str]] = []  # (wall, CPU, kind) when a kind's bar starts
    rss_kb, cpu = 0, 0.0
    errors: list[str] = []

    def read_stderr() -> None:
        nonlocal rss_kb, cpu
        assert process.stderr is not None
        for line in process.stderr:
            line = line.rstrip("\n")
            if line.startswith("BENCH-RSS-KB"):
                rss_kb, cpu = int(line.split()[1]), float(line.split()[2])
            elif line.strip() in LABEL_KIND:  # click's bar prints its label once off a tty
                at = time.monotonic() - started
                marks.append((at, cpu_seconds(process.pid), LABEL_KIND[line.strip()]))
            elif line.strip():
                errors.append(line)

    reader = threading.Thread(target=read_stderr, daemon=True)
    reader.start()
    assert process.stdout is not None
    stdout = process.stdout.read()
    process.wait()
    reader.join()
    wall = time.monotonic() - started
    if process.returncode != 0:
        raise SystemExit(f"import failed ({process.returncode}):\n{stdout}\n" + "\n".join(errors))
    counts = {}
    for line in stdout.splitlines():
        m = REPORT_LINE.match(line)
        if m:
            counts[LABEL_KIND.get(m[1], m[1])] = tuple(int(m[i]) for i in (2, 3, 4))
    spans: dict[str, tuple[float, float]] = {}  # kind -> (wall, CPU) until the next bar
    for (at, used, kind), after in zip(marks, [*marks[1:], (wall, cpu, "")], strict=True):
        before = spans.get(kind, (0.0, 0.0))
        spans[kind] = (before[0] + after[0] - at, before[1] + after[1] - used)
    return {"wall": wall, "cpu": cpu, "spans": spans, "rss_mb": rss_kb / 1024, "counts": counts,
            "report": stdout, "stderr": errors}  # fmt: skip


def database_counts(database_url: str) -> dict[str, int]:
    from sqlalchemy import create_engine, inspect, text

    engine = create_engine(database_url)
    try:
        names = set(inspect(engine).get_table_names())
        with engine.connect() as conn:
            return {t: conn.execute(text(f"SELECT count(*) FROM {t}")).scalar_one()  # noqa: S608
                    for t in COUNTED if t in names}  # fmt: skip
    finally:
        engine.dispose()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=Plan.articles)
    parser.add_argument("--documents", type=int, default=Plan.documents)
    parser.add_argument("--comments", type=int, default=None,
                        help="default: 2 for every 5 articles (20,000 for 50,000)")  # fmt: skip
    parser.add_argument("--dumps", type=Path, default=DUMPS,
                        help="where the generated dumps are kept and reused")  # fmt: skip
    parser.add_argument("--database-url", default="", help="a scratch PostgreSQL database")
    parser.add_argument("--profile", type=Path, help="cProfile output of the first run")
    parser.add_argument("--no-second-run", action="store_true")
    parser.add_argument("--keep", action="store_true", help="keep the instance folder")
    args = parser.parse_args(argv)
    comments = args.comments if args.comments is not None else args.articles * 2 // 5
    plan = Plan(articles=args.articles, documents=args.documents, comments=comments)
    folder = args.dumps / f"{plan.articles}-{plan.documents}-{plan.comments}-{plan.seed}"
    dump = folder / f"nukeviet-{plan.articles}-{plan.documents}.sql"
    if not dump.is_file():
        log(f"generating {dump} …")
        generate(folder, plan, log=log)
    uploads = folder / "uploads"

    code = code_version()  # others commit while it runs: the code it started with
    started = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
    instance = Path(tempfile.mkdtemp(prefix="nukeviet-import-"))
    database_url = args.database_url or f"sqlite:///{instance}/portal.db"
    env = env_for(instance, args.database_url)
    try:
        if args.database_url:
            empty_database(args.database_url)
        subprocess.run([PYTHON, "-m", "flask", "db", "upgrade"], cwd=ROOT, env=env, check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # fmt: skip
        log(f"import 1 of {dump.name} into {database_url.split('@')[-1]} …")
        first = run_import(env, dump, uploads, args.profile)
        held = database_counts(database_url)
        second = None
        if not args.no_second_run:
            log("import 2 (must add nothing) …")
            second = run_import(env, dump, uploads, None)
        print_results(f"code {code}; started {started}", plan, dump, database_url, first, held,
                      second)  # fmt: skip
        if args.profile:
            print_profile(args.profile)
        failed = second is not None and any(c[0] for c in second["counts"].values())
        if held.get("articles", 0) < plan.articles * 0.9:
            failed = True
        return 1 if failed else 0
    finally:
        if args.keep:
            log(f"kept {instance}")
        else:
            shutil.rmtree(instance, ignore_errors=True)


def print_results(when, plan, dump, database_url, first, held, second) -> None:
    kind = "PostgreSQL" if database_url.startswith("postgresql") else "SQLite"
    print(f"NukeViet import, {plan.articles:,} articles, {plan.documents:,} documents, "
          f"{plan.comments:,} comments; dump {dump.stat().st_size / 1e6:.0f} MB; {kind}; "
          f"{when}")  # fmt: skip
    print()
    print(f"First run: {first['wall']:.0f} s wall ({first['wall'] / 60:.1f} min), "
          f"{first['cpu']:.0f} s CPU in the import process, "
          f"peak RSS {first['rss_mb']:.0f} MB")  # fmt: skip
    print()
    print("Seconds: from the kind's progress bar to the next one (kinds without a bar are in")
    print("the time of the one before). Rows/s: rows read (added + there + skipped) per second.")
    print()
    print("| kind | added | already there | skipped | wall s | CPU s | rows/s wall | rows/s CPU |")
    print("|---|---|---|---|---|---|---|---|")
    for name, (added, existing, skipped) in first["counts"].items():
        rows = added + existing + skipped
        wall, used = first["spans"].get(name, (0.0, 0.0))
        cells = (
            [
                f"{wall:.1f}",
                f"{used:.1f}",
                f"{rows / wall:,.0f}" if wall else "—",
                f"{rows / used:,.0f}" if used else "—",
            ]
            if name in first["spans"]
            else ["—"] * 4
        )
        print(f"| {KIND_LABELS.get(name, name)} | {added:,} | {existing:,} | {skipped:,} | "
              + " | ".join(cells) + " |")  # fmt: skip
    print()
    print("Database after it: " + ", ".join(f"{t} {n:,}" for t, n in held.items()))
    if second is not None:
        added = sum(c[0] for c in second["counts"].values())
        print()
        print(f"Second run: {second['wall']:.0f} s wall, {second['cpu']:.0f} s CPU, "
              f"peak RSS {second['rss_mb']:.0f} MB, "
              f"added {added} ({'idempotent' if added == 0 else 'NOT IDEMPOTENT'})")  # fmt: skip
        for name, (count, _, _) in second["counts"].items():
            if count:
                print(f"    added again: {KIND_LABELS.get(name, name)} {count}")
        for line in second["report"].splitlines():
            if line.startswith("    •"):
                print(f"    second run {line.strip()}")
    if first["stderr"]:
        print()
        print("stderr of the first run (last 10 lines):")
        for line in first["stderr"][-10:]:
            print("    " + line[:300])


def print_profile(path: Path) -> None:
    print()
    print(f"cProfile of the first run ({path}), top 25 by own time:")
    print("```")
    stats = pstats.Stats(str(path), stream=sys.stdout)
    stats.sort_stats("tottime").print_stats(25)
    print("```")


if __name__ == "__main__":
    os.environ.setdefault("PYTHONHASHSEED", "0")
    sys.exit(main())
