"""GET /metrics: Prometheus' text format, for an internal address or a bearer token.

Two kinds of numbers:
- this process's (page views, Redis errors, open streams, memory, CPU): counted in memory
  (app/observability/counts.py) and published to prometheus_client every second by a
  greenlet of each worker (`start_publisher`, from gunicorn.conf.py) and before each scrape.
  Under gunicorn, PROMETHEUS_MULTIPROC_DIR (made by gunicorn.conf.py) holds one file per
  worker, so whichever worker answers the scrape adds up every worker's;
- the deployment's (headline numbers, spool, checkpoint and flush), read at scrape time
  from Redis, SQL and the spool folder (app/observability/state.py).

Who may read it: an address in METRICS_ALLOW (CIDRs; default the loopback), as the app sees
it (after ProxyFix), or a request with `Authorization: Bearer <METRICS_TOKEN>`. Anyone else
gets the site's 404, as for a page that does not exist. A request that carries
X-Forwarded-For while no proxy is trusted came through a proxy the app cannot see past: it
is never taken for a local one.
"""

from __future__ import annotations

import hmac
import logging
import os
import resource
import threading
import time
from functools import cache

from flask import Blueprint, Flask, abort, current_app, make_response, request
from sqlalchemy.exc import SQLAlchemyError

from app.extensions import db, redis_store
from app.observability import counts, state
from app.proxies import address_in, networks

bp = Blueprint("metrics", __name__)
log = logging.getLogger(__name__)

MULTIPROC_ENV = "PROMETHEUS_MULTIPROC_DIR"
PUBLISH_EVERY = 1.0
BASICS_EVERY = 10.0  # memory, CPU and descriptors: reading /proc costs more than a count


# --- this process's numbers -----------------------------------------------------------------


@cache
def _metrics():
    """The process's metric objects, made on first use: prometheus_client reads
    PROMETHEUS_MULTIPROC_DIR when it is imported, which must be after gunicorn.conf.py set it."""
    from prometheus_client import Counter, Gauge, disable_created_metrics

    disable_created_metrics()  # no *_created series: they say nothing an operator needs
    return {
        "page_views": Counter(
            "portal_page_views", "Readers' requests the statistics counted: kind of item "
            "viewed (page: none; document_download: a download, no page view), counted in "
            "Redis or spooled to disk while Redis was away, bot or human.",
            ["kind", "outcome", "visitor"], registry=None,
        ),
        "redis_errors": Counter(
            "portal_redis_errors", "Redis errors met, by operation (stats: page views and "
            "the statistics' jobs; rate_limit: the rate limits).", ["operation"],
            registry=None,
        ),
        "streams": Gauge(
            "portal_stream_clients", "Open live-statistics streams (/stats/stream), all "
            "workers of this server.", registry=None, multiprocess_mode="livesum",
        ),
        "workers": Gauge(
            "portal_workers", "Worker processes of this server that publish metrics.",
            registry=None, multiprocess_mode="livesum",
        ),
        "rss": Gauge(
            "portal_process_resident_memory_bytes", "Resident memory of each worker.",
            registry=None, multiprocess_mode="liveall",
        ),
        "fds": Gauge(
            "portal_process_open_fds", "Open file descriptors, all workers of this server.",
            registry=None, multiprocess_mode="livesum",
        ),
        "cpu": Counter(
            "portal_process_cpu_seconds", "CPU time used by the workers (user + system).",
            registry=None,
        ),
    }  # fmt: skip


class Publisher:
    """Moves this process's counts into its metric objects (and so its file)."""

    def __init__(self) -> None:
        self.sent_views: dict = {}
        self.sent_errors: dict = {}
        self.sent_cpu = 0.0
        self.basics_at = 0.0
        self._lock = threading.Lock()
        self._pid: int | None = None

    def publish(self, app: Flask) -> None:
        metrics = _metrics()
        with self._lock:
            if self._pid != os.getpid():  # the first publish of this process
                self._pid = os.getpid()
                metrics["workers"].set(1)
            _send(metrics["page_views"], counts.page_views, self.sent_views)
            _send(metrics["redis_errors"], redis_store.errors, self.sent_errors)
            runner = app.extensions.get("stats_runner")
            metrics["streams"].set(runner.hub.clients if runner is not None else 0)
            now = time.monotonic()
            if now - self.basics_at >= BASICS_EVERY:
                self.basics_at = now
                cpu = _cpu_seconds()
                metrics["cpu"].inc(max(0.0, cpu - self.sent_cpu))
                self.sent_cpu = cpu
                rss, fds = _memory_and_fds()
                metrics["rss"].set(rss)
                metrics["fds"].set(fds)


def _send(counter, current: dict, sent: dict) -> None:
    for key, value in list(current.items()):
        delta = value - sent.get(key, 0)
        if delta > 0:
            labels = key if isinstance(key, tuple) else (key,)
            counter.labels(*labels).inc(delta)
            sent[key] = value


def _cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _memory_and_fds() -> tuple[int, int]:
    try:
        with open("/proc/self/statm", "rb") as fh:
            rss = int(fh.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
        fds = len(os.listdir("/proc/self/fd"))
    except (OSError, ValueError, IndexError):  # not Linux: the peak instead, no count
        rss, fds = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024, 0
    return rss, fds


_publisher = Publisher()


def start_publisher(app: Flask) -> None:
    """Publish this process's counts every second (a gunicorn worker, after fork)."""

    def run() -> None:
        while True:
            try:
                _publisher.publish(app)
            except Exception:  # never let the loop die: the next second tries again
                log.exception("publishing metrics failed")
            time.sleep(PUBLISH_EVERY)

    threading.Thread(target=run, name="metrics-publisher", daemon=True).start()


def publish_now(app: Flask) -> None:
    """A stopping worker's last counts (gunicorn.conf.py worker_exit)."""
    _publisher.publish(app)


# --- the deployment's numbers, read at scrape time ------------------------------------------


class DatabaseUp:
    """portal_database_up: whether the deployment's numbers could be read from SQL."""

    def __init__(self, value: int) -> None:
        self.value = value

    def collect(self):
        from prometheus_client.core import GaugeMetricFamily

        yield GaugeMetricFamily("portal_database_up", "The database answered this scrape.",
                                value=self.value)  # fmt: skip


class ReportCollector:
    """The state report (app/observability/state.py) as gauges."""

    def __init__(self, report: state.Report) -> None:
        self.report = report

    def collect(self):
        from prometheus_client.core import GaugeMetricFamily

        report, now = self.report, self.report.at
        head, spool, durability = report.headline, report.spool, report.durability

        def gauge(name: str, doc: str, value: float | None, labels: dict | None = None):
            family = GaugeMetricFamily(name, doc, labels=list(labels or {}))
            if value is not None:
                family.add_metric(list((labels or {}).values()), value)
            return family

        yield gauge(
            "portal_redis_up",
            "Whether Redis answered a PING at this scrape.",
            1 if report.redis.reachable else 0,
        )
        yield gauge(
            "portal_stats_from_redis",
            "Whether the numbers below are Redis' live "
            "ones (1) or SQL's as of the last checkpoint (0).",
            1 if head.source == "redis" else 0,
        )
        yield gauge(
            "portal_visitors_online",
            "Đang truy cập: visitors seen in the online window, bots excluded.",
            head.online,
        )
        yield gauge("portal_bots_online", "Crawlers seen in the online window.", head.bots_online)
        yield gauge("portal_visits_today", "Hôm nay: visits since local midnight.", head.today)
        yield gauge(
            "portal_visits_total",
            "Tổng lượt truy cập: all visits, with the configured offset.",
            head.total,
        )
        records = GaugeMetricFamily(
            "portal_spool_records",
            "Records waiting in the spool "
            "for Redis, by kind (hit: page views, click: banner "
            "clicks).",
            labels=["kind"],
        )
        for kind in ("hit", "click", *sorted(set(spool.records) - {"hit", "click"})):
            records.add_metric([kind], spool.records.get(kind, 0))
        yield records
        yield gauge("portal_spool_files", "Spool files waiting to be replayed.", spool.files)
        yield gauge(
            "portal_spool_oldest_age_seconds",
            "Age of the oldest spool file waiting (0: none).",
            max(0.0, now - spool.oldest) if spool.oldest else 0,
        )
        pending = GaugeMetricFamily(
            "portal_stats_pending_item_views",
            "Item views counted in Redis, not yet flushed to SQL, by kind.",
            labels=["kind"],
        )
        for kind in sorted(set(durability.pending) | set(durability.flushing)):
            pending.add_metric(
                [kind], durability.pending.get(kind, 0) + durability.flushing.get(kind, 0)
            )
        yield pending
        yield gauge(
            "portal_stats_flush_lag_seconds",
            "Seconds since the last flush of item "
            "views to SQL while views wait (0: none waits; +Inf: views wait and no "
            "flush was ever recorded).",
            durability.flush_lag(now),
        )
        yield gauge(
            "portal_stats_checkpoint_lag_seconds",
            "Seconds since the last checkpoint wrote the day's counters to SQL.",
            durability.checkpoint_lag(now),
        )
        yield gauge(
            "portal_stats_last_flush_timestamp_seconds",
            "When the last flush moved item views to SQL.",
            durability.last_flush,
        )
        yield gauge(
            "portal_stats_last_checkpoint_timestamp_seconds",
            "When the last checkpoint wrote the day's counters to SQL.",
            durability.last_checkpoint,
        )
        yield gauge("portal_stats_days_late", "Past days a spool replay changed, waiting for "
                    "the checkpoint.", len(durability.days_late))  # fmt: skip


# --- the endpoint ------------------------------------------------------------------------------


def allowed(app: Flask, remote_addr: str | None, authorization: str | None,
            forwarded: bool) -> bool:  # fmt: skip
    """Whether this request may read /metrics (see the module's docstring)."""
    token = app.config.get("METRICS_TOKEN") or ""
    if token and authorization and authorization.startswith("Bearer "):
        if hmac.compare_digest(authorization[7:].strip().encode(), token.encode()):
            return True
    if forwarded and not app.config["TRUSTED_PROXIES"]:
        return False
    return address_in(remote_addr, networks(app.config["METRICS_ALLOW"]))


def check_config(app: Flask) -> None:
    """A wrong METRICS_ALLOW stops the start, with its name, instead of a 500 per scrape."""
    try:
        networks(app.config["METRICS_ALLOW"])
    except ValueError as exc:
        raise RuntimeError(f"METRICS_ALLOW must be a comma-separated list of addresses or "
                           f"networks (CIDR): {exc}") from exc  # fmt: skip


def operator_request() -> bool:
    """Whether the current request comes from the operator: an address of METRICS_ALLOW or
    the METRICS_TOKEN (what may read /metrics, and /healthz's details)."""
    forwarded = "X-Forwarded-For" in request.headers and "werkzeug.proxy_fix.orig" not in (
        request.environ)  # fmt: skip
    app = current_app._get_current_object()
    return allowed(app, request.remote_addr, request.headers.get("Authorization"), forwarded)


@bp.get("/metrics")
def metrics():
    app = current_app._get_current_object()
    if not operator_request():
        abort(404)
    from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, generate_latest

    _publisher.publish(app)
    registry = CollectorRegistry(auto_describe=False)
    if os.environ.get(MULTIPROC_ENV):
        from prometheus_client import multiprocess

        multiprocess.MultiProcessCollector(registry)
    else:
        for metric in _metrics().values():
            registry.register(metric)
    try:
        registry.register(ReportCollector(state.report()))
        database_up = 1
    except SQLAlchemyError as exc:  # the processes' own numbers still answer
        db.session.rollback()
        log.warning("/metrics without the deployment's numbers: database: %s", exc)
        database_up = 0
    registry.register(DatabaseUp(database_up))
    response = make_response(generate_latest(registry))
    response.headers["Content-Type"] = CONTENT_TYPE_LATEST
    response.headers["Cache-Control"] = "no-store"
    return response
