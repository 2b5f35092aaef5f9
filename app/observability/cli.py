"""`flask stats`: the live counters, the spool, the checkpoint state and Redis, for a human
(text) or a script (--json). Exit 0 whatever Redis does (it is reported); 1 when the
database cannot be read."""

from __future__ import annotations

import json
import time

import click
from flask.cli import with_appcontext
from sqlalchemy.exc import SQLAlchemyError

from app.observability import state


def _when(epoch: float | None, now: float) -> str:
    if epoch is None:
        return "never"
    return f"{state.iso(epoch)} ({max(0, int(now - epoch))} s ago)"


def _lag(seconds: float | None) -> str:
    if seconds is None:
        return "unknown (Redis is down)"
    if seconds == float("inf"):
        return "views wait, no flush ever recorded"
    return "none waiting" if seconds == 0 else f"{seconds:.0f} s"


def text(report: state.Report) -> str:
    now, head = report.at, report.headline
    redis_line = "reachable" if report.redis.reachable else f"DOWN ({report.redis.error})"
    source = ("Redis (live)" if head.source == "redis"
              else "SQL, as of the last checkpoint (Redis cannot say)")  # fmt: skip
    spool, dur = report.spool, report.durability
    records = ", ".join(f"{n} {kind or 'unknown'}" for kind, n in sorted(spool.records.items()))
    pending = ", ".join(f"{kind} {dur.pending.get(kind, 0) + dur.flushing.get(kind, 0)}"
                        for kind in sorted(set(dur.pending) | set(dur.flushing)))  # fmt: skip
    lines = [
        f"Statistics at {state.iso(now)}",
        f"Redis:        {report.redis.where}: {redis_line}",
        f"Counters from {source}:",
        f"  online {head.online}, today {head.today}, total {head.total}, "
        f"bots online {head.bots_online}",
        f"Spool:        {spool.files} file(s) in {spool.folder}; waiting: {records or 'nothing'}"
        + (f"; oldest from {_when(spool.oldest, now)}" if spool.oldest else ""),
        f"Checkpoint:   last {_when(dur.last_checkpoint, now)}",
        f"Flush:        last {_when(dur.last_flush, now)}; lag {_lag(dur.flush_lag(now))}",
        "Pending item views: " + (pending or ("unknown (Redis is down)"
                                              if not report.redis.reachable else "none")),
        "Days late:    " + (", ".join(dur.days_late) or "none"),
    ]  # fmt: skip
    return "\n".join(lines)


@click.command("stats")
@with_appcontext
@click.option("--json", "as_json", is_flag=True, help="One JSON object, for scripts.")
def stats_command(as_json: bool) -> None:
    """Print the live counters, the spool, the checkpoint state and Redis."""
    try:
        report = state.report()
    except SQLAlchemyError as exc:
        message = str(exc).splitlines()[0][:300]
        if as_json:
            click.echo(json.dumps({"error": "database", "message": message, "at":
                                   state.iso(time.time())}))  # fmt: skip
        else:
            click.echo(f"The database cannot be read: {message}", err=True)
        raise SystemExit(1) from exc
    click.echo(json.dumps(report.as_dict(), ensure_ascii=False) if as_json else text(report))
