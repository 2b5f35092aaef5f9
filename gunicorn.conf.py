"""gunicorn settings for `make run` and production: gevent workers, so open live-stats
streams cost a greenlet each instead of a worker."""

import gc
import os
import re
import sys

# Patch before anything imports socket or ssl (gunicorn #1801).
from gevent import monkey

monkey.patch_all()

bind = f"{os.environ.get('HOST', '127.0.0.1')}:{os.environ.get('PORT', '5000')}"
workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
worker_class = "gevent"
worker_connections = int(os.environ.get("WORKER_CONNECTIONS", "12000"))
# Streams are long-lived by design; this is the worker's heartbeat, not a request limit.
timeout = 60
graceful_timeout = 10
keepalive = 5
accesslog = os.environ.get("ACCESS_LOG") or None
errorlog = "-"
proxy_protocol = False
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
# Logs (app/observability/): LOG_FORMAT=json makes gunicorn's error and access lines JSON
# objects like the app's; plain access lines end with the request's id. Either way a
# password link's token never reaches the access log.
logger_class = "app.observability.gunicorn_log.PlainLogger"
if os.environ.get("LOG_FORMAT") == "json":
    logger_class = "app.observability.gunicorn_log.JsonLogger"
access_log_format = '%(h)s %(l)s %(u)s %(t)s "%(r)s" %(s)s %(b)s %(M)sms %({x-request-id}o)s'

_embedded = None
_metrics_dir = None
# prometheus_client's multiprocess files: counter_<pid>.db, gauge_livesum_<pid>.db, …
_METRIC_FILE = re.compile(r"(counter|histogram|summary|gauge_[a-z]+)_\d+\.db")


def _prepare_metrics_dir():
    """/metrics adds up every worker's counts through files in PROMETHEUS_MULTIPROC_DIR
    (prometheus_client's multiprocess mode): the one given, emptied, else this master's own
    folder instance/metrics/<pid>, made empty, with the folders of masters no longer running
    removed. Set before any worker imports prometheus_client."""
    global _metrics_dir
    import shutil
    from pathlib import Path

    given = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
    if given:
        Path(given).mkdir(mode=0o700, parents=True, exist_ok=True)
        # Counts of an earlier run are not this one's: only prometheus_client's own files go
        # (a folder given by mistake, say instance/, keeps its portal.db).
        for old in Path(given).glob("*.db"):
            if _METRIC_FILE.fullmatch(old.name):
                old.unlink()
        return
    root = Path(__file__).resolve().parent
    folder = Path(os.environ.get("INSTANCE_PATH") or root / "instance") / "metrics"
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    for old in folder.iterdir():
        if old.name.isdigit() and not _running(int(old.name)):
            shutil.rmtree(old, ignore_errors=True)
    _metrics_dir = folder / str(os.getpid())
    shutil.rmtree(_metrics_dir, ignore_errors=True)
    _metrics_dir.mkdir(mode=0o700)
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = str(_metrics_dir)


def _running(pid):
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def on_starting(server):
    """Without REDIS_URL or REDIS_SENTINELS, the master starts the embedded Redis that all
    workers share, and supervises it: a server that dies is started again within about a
    second, with a WARNING naming the reason (a greenlet of the master, which gevent has
    patched above)."""
    global _embedded
    _prepare_metrics_dir()
    if os.environ.get("REDIS_URL") or os.environ.get("REDIS_SENTINELS"):
        return  # an outside Redis (a server, or the master Sentinel names)
    import logging
    from pathlib import Path

    from app.embedded_redis import SUPERVISED_ENV, EmbeddedRedis

    # The master loads no Flask app: send the supervisor's lines to gunicorn's error log.
    logger = logging.getLogger("app.embedded_redis")
    logger.handlers = list(server.log.error_log.handlers)
    logger.setLevel(logging.INFO)
    logger.propagate = False

    root = Path(__file__).resolve().parent
    instance = Path(os.environ.get("INSTANCE_PATH") or root / "instance")
    _embedded = EmbeddedRedis(instance / "redis")
    try:
        _embedded.ensure_running(stop_at_exit=False)
    except (RuntimeError, OSError) as exc:  # the site serves without it; the supervisor retries
        logger.error("embedded Redis did not start: %s", exc)
    os.environ[SUPERVISED_ENV] = "1"  # workers inherit it: they leave the server to us
    _embedded.supervise()


def _check_psycopg_wait(worker):
    """psycopg waits for PostgreSQL through gevent only if gevent patched `select` before
    psycopg was imported (psycopg/waiting.py): else one slow query holds every request of the
    worker. Patched above, first thing; say so loudly if something changed that."""
    waiting = sys.modules.get("psycopg.waiting")
    if waiting is not None and waiting.wait is getattr(waiting, "wait_c", None):
        worker.log.error(
            "psycopg waits for PostgreSQL in C, blocking the gevent worker: it "
            "was imported before gevent patched select (or PSYCOPG_WAIT_FUNC)"
        )


def post_worker_init(worker):
    from app.stats.hub import watch_worker

    watch_worker(worker)
    _check_psycopg_wait(worker)
    # Background statistics work starts with the worker, not with its first request: hits
    # spooled by workers of an earlier run are replayed as soon as Redis answers.
    app = getattr(worker, "wsgi", None)
    extensions = getattr(app, "extensions", {})
    if "stats_runner" in extensions and app.config.get("STATS_BACKGROUND"):
        extensions["stats_runner"].ensure_started()
    if "stats_runner" in extensions:
        from app.observability import start_worker

        start_worker(app)  # this worker's metrics, published every second
    # Everything loaded so far (the app, its modules, templates: about 140,000 objects) lives
    # as long as the worker: out of the collector's sight, a full collection with thousands
    # of open streams scans only what the streams and requests made (bench/README.md).
    gc.collect()
    gc.freeze()


def worker_exit(server, worker):
    """A stopping worker finishes its spool file (kept on disk for whoever replays it)."""
    extensions = getattr(getattr(worker, "wsgi", None), "extensions", {})
    if "stats_runner" in extensions:
        extensions["stats_runner"].stop()
        from app.observability import stop_worker

        stop_worker(worker.wsgi)  # its last counts, before its metrics file is left


def child_exit(server, worker):
    """A worker's gauges (streams, memory) leave the sums; its counters stay in them."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)


def on_exit(server):
    if _metrics_dir is not None:
        import shutil

        shutil.rmtree(_metrics_dir, ignore_errors=True)
    if _embedded is not None:
        _embedded.stop_supervising()
        _embedded.stop()
