"""gunicorn settings for `make run` and production: gevent workers, so open live-stats
streams cost a greenlet each instead of a worker."""

import os

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

_embedded = None


def on_starting(server):
    """Without REDIS_URL, the master starts the embedded Redis that all workers share."""
    global _embedded
    if os.environ.get("REDIS_URL"):
        return
    from pathlib import Path

    from app.embedded_redis import EmbeddedRedis

    root = Path(__file__).resolve().parent
    instance = Path(os.environ.get("INSTANCE_PATH") or root / "instance")
    _embedded = EmbeddedRedis(instance / "redis")
    _embedded.ensure_running(stop_at_exit=False)


def post_worker_init(worker):
    from app.stats.hub import watch_worker

    watch_worker(worker)


def on_exit(server):
    if _embedded is not None:
        _embedded.stop()
