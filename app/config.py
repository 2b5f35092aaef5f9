"""Configuration: defaults here, then instance/config.py, then environment variables."""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from flask import Flask


class Defaults:
    SITE_NAME = "Cổng thông tin điện tử"
    SITE_DESCRIPTION = "Tin tức, sự kiện và văn bản của cơ quan"
    SITE_TIMEZONE = "Asia/Ho_Chi_Minh"
    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}
    REDIS_URL = ""
    # Seconds a page view may wait on Redis before the page renders without it.
    REDIS_SOCKET_TIMEOUT = 0.2
    ONLINE_WINDOW_SECONDS = 300
    VISIT_TIMEOUT_SECONDS = 1800
    IDLE_TIMEOUT_SECONDS = 1800
    # The keepalive bar shows this many seconds before the idle logout.
    IDLE_WARNING_SECONDS = 60
    STATS_TOTAL_OFFSET = 0
    # How many reverse proxies in front of us may set X-Forwarded-For (0: trust none).
    TRUSTED_PROXIES = 0
    # Which peers those proxies are (addresses or CIDR networks, comma-separated; "*": any):
    # a request from any other peer loses its X-Forwarded-* and X-Request-ID headers.
    FORWARDED_ALLOW_IPS = "127.0.0.1,::1"
    # Background statistics work (subscriber, checkpoints); tests drive it by hand.
    STATS_BACKGROUND = True
    # Live-stats streams one server process holds before answering 503. 0: as many as the
    # gunicorn worker's connections allow minus a reserve for pages (a tenth, >= 500); a set
    # value is still kept under that. Without gunicorn: this value, or 1,000.
    STATS_STREAM_CAP = 0
    # Streams per client address (IPv6: per /64) and per visitor, per process; over them the
    # answer is 429 and the browser polls. One browser keeps one stream for all its tabs; the
    # per-address share lets an agency's readers behind one NAT address stream. 0: no limit.
    STATS_STREAM_PER_IP = 200
    STATS_STREAM_PER_VISITOR = 4
    # Seconds between comment heartbeats on an idle live-stats stream (HTML spec: <= 15).
    STATS_STREAM_HEARTBEAT = 15
    # Hits and clicks Redis or SQL could not take wait in instance/spool/ for their replay;
    # past this size (all processes together) new ones are dropped, with an ERROR log line.
    # About 230 bytes a hit: 256 MB hold over a million. (The embedded Redis' memory limit is
    # the environment variable EMBEDDED_REDIS_MAXMEMORY, default 256mb: the gunicorn master
    # starts it before any app config is read.)
    STATS_SPOOL_MAX_MB = 256
    # Referrer domains left out of the reports, subdomains too: a list or "a.example, b.example"
    STATS_REFERRER_BLOCKLIST: list[str] | str = ""
    # A MaxMind GeoLite2/GeoIP2 Country or City .mmdb file: countries in the reports ("": off)
    STATS_GEOIP_DATABASE = ""
    ARTICLES_PER_PAGE = 10
    # Readers' pages are reused for at most this long (0: never), live numbers filled in.
    PAGE_CACHE_SECONDS = 30
    DOCUMENTS_PER_PAGE = 15
    # "Văn bản mới": how many, summary cut at how many characters, "Mới" for how many days.
    DOCUMENTS_SIDEBAR_COUNT = 5
    DOCUMENTS_SUMMARY_LENGTH = 110
    DOCUMENTS_NEW_DAYS = 7
    # Largest attached document file; a request may carry one plus the form around it.
    DOCUMENT_MAX_BYTES = 20 * 1024 * 1024
    IMAGE_MAX_BYTES = 8 * 1024 * 1024
    # Article bodies may show images from other hosts (each reader's browser then asks that
    # host for them: a tracking pixel). Off: only this site's own images are kept.
    ARTICLE_EXTERNAL_IMAGES = False
    # MAX_CONTENT_LENGTH (the 413 limit) follows the two above unless set explicitly.
    # A form's text fields together (Werkzeug's default is 500 kB): a 500,000-character body
    # of Vietnamese, URL-encoded, is up to 4.5 MB. Readers' forms have their own small limits.
    MAX_FORM_MEMORY_SIZE = 6 * 1024 * 1024
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_REFRESH_EACH_REQUEST = False
    SESSION_COOKIE_SECURE = False  # also Secure whenever a request arrives over HTTPS
    PERMANENT_SESSION_LIFETIME = 12 * 3600  # "remember me" never outlives the 12 h limit
    WTF_CSRF_TIME_LIMIT = None
    # /healthz calls the disk "full" below this much free space in instance/ (0: only when a
    # write fails); a disk that fills during the night should page someone before it is.
    HEALTH_MIN_FREE_BYTES = 64 * 1024 * 1024
    # --- Logins and sessions (app/auth) ---
    # Login attempts one IP address may make within LOGIN_IP_WINDOW seconds before 429, checked
    # before any password hashing; room for an agency's editors behind one NAT address.
    LOGIN_IP_LIMIT = 30
    LOGIN_IP_WINDOW = 60
    # Seconds a gevent worker waits before answering such a 429 (a parked greenlet): a flood
    # gets its refusals slowly instead of as fast as the server can write them.
    LOGIN_REFUSAL_DELAY = 1.0
    # Days a browser that logged in keeps its device cookie: its own allowance of failed
    # logins, untouched by lockouts that others cause (app/auth/devices.py).
    LOGIN_DEVICE_COOKIE_DAYS = 90
    # Page views and forms store a session's idle clock at most this often (seconds; at most
    # a quarter of IDLE_TIMEOUT_SECONDS): reading pages writes almost nothing.
    SESSION_TOUCH_SECONDS = 30
    # Hours a password-setting link stays valid (app/auth/password_links.py).
    PASSWORD_LINK_HOURS = 72
    # --- Nothing blocks a gevent worker (app/db_sqlite.py, app/media.py, documents/files.py) ---
    # Seconds a SQLite write waits (cooperatively) for another connection's lock before
    # the request answers 503; readers never wait (WAL).
    SQLITE_LOCK_WAIT_SECONDS = 3.0
    # Seconds a client is told to wait (Retry-After) after such a 503.
    DATABASE_BUSY_RETRY_AFTER = 5
    # Pooled SQLite connections per process: writes waiting for the lock each hold one.
    SQLITE_POOL_SIZE = 20
    SQLITE_POOL_OVERFLOW = 40
    # Largest image accepted, in pixels (app/media.py explains the memory it bounds).
    IMAGE_MAX_PIXELS = 25_000_000
    # --- The site's address and security headers ---
    # The site's origin, e.g. "https://congthongtin.example.gov.vn": every absolute link
    # (canonical, og:image, RSS, sitemap) uses it, and a request for another Host is a 400.
    SITE_URL = ""
    # Other host names served (aliases), e.g. ["www.example.gov.vn", ".example.gov.vn"]
    # (a leading dot admits subdomains); also enables the Host check without SITE_URL.
    TRUSTED_HOSTS: list[str] | None = None
    # Strict-Transport-Security max-age sent over HTTPS (0: none).
    HSTS_SECONDS = 365 * 24 * 3600
    # --- Redis as an outside service (app/redis_holder.py, app/redis_keys.py) ---
    # REDIS_URL may carry a password (redis://:pw@host:6379/0, redis://user:pw@host/0) and
    # TLS (rediss://host:6380/0): the server's certificate is checked against REDIS_TLS_CA
    # (a CA file; empty: the system's CAs), and REDIS_TLS_CERT/REDIS_TLS_KEY give a client
    # certificate when the server asks for one. Passwords never appear in logs or /healthz.
    REDIS_TLS_CA = ""
    REDIS_TLS_CERT = ""
    REDIS_TLS_KEY = ""
    # Put before every key and the live channel, so several sites share one Redis DB
    # ("tinhA:" -> "tinhA:st:total"); empty: the key names as they always were.
    REDIS_KEY_PREFIX = ""
    # Sentinel: "host:port,host:port" of the sentinels and the name of the master they
    # watch; REDIS_URL then gives only the DB number, the password and TLS of the master
    # (its host and port are ignored), REDIS_SENTINEL_PASSWORD the sentinels' own password.
    REDIS_SENTINELS = ""
    REDIS_MASTER_NAME = "mymaster"
    REDIS_SENTINEL_PASSWORD = ""
    # --- Several app servers (app/stats/jobs.py) ---
    # Seconds between runs of the deployment-wide jobs (one process of all the servers runs
    # each, whoever takes its Redis lock): {"refresh": 5, "flush": 30, "checkpoint": 30}; a
    # dict naming some of them changes those (env: FLASK_STATS_JOB_SECONDS='{"flush": 10}').
    STATS_JOB_SECONDS: dict[str, float] = {}
    # --- Streams held by nginx (app/stats/nchan.py, deploy/nginx/portal-nchan.conf) ---
    # nginx's nchan publisher location, e.g. "http://127.0.0.1:8090/stats/publish": one process
    # of the deployment POSTs each live-stats message there once and nginx fans it out to the
    # readers' streams. Empty: the app servers hold the streams (deploy/nginx/portal.conf).
    STATS_NCHAN_PUBLISH_URL = ""
    # --- Operations: logs, request ids, /metrics (app/observability/) ---
    # "plain" (logging's default line, plus the request's id) or "json": one JSON object per
    # line (time, level, logger, message, request_id; gunicorn's error and access logs too).
    LOG_FORMAT = "plain"
    # Who may read /metrics without the token: addresses or CIDR networks, comma-separated,
    # as the app sees the client (after ProxyFix). Anyone else gets a 404.
    METRICS_ALLOW = "127.0.0.1/32,::1/128"
    # `Authorization: Bearer <METRICS_TOKEN>` reads /metrics from anywhere (empty: no token).
    METRICS_TOKEN = ""


# Environment variables read at start-up, with the type each one is parsed as.
ENV_VARS: dict[str, type] = {
    "SECRET_KEY": str,
    "DATABASE_URL": str,
    "REDIS_URL": str,
    "SITE_TIMEZONE": str,
    "SITE_NAME": str,
    "ONLINE_WINDOW_SECONDS": int,
    "VISIT_TIMEOUT_SECONDS": int,
    "IDLE_TIMEOUT_SECONDS": int,
    "STATS_TOTAL_OFFSET": int,
    "TRUSTED_PROXIES": int,
    "FORWARDED_ALLOW_IPS": str,
    "DOCUMENT_MAX_BYTES": int,
    "IMAGE_MAX_BYTES": int,
    "SITE_URL": str,
    "TRUSTED_HOSTS": str,  # comma-separated; app/site_url.py reads it as a list
    "REDIS_TLS_CA": str,
    "REDIS_TLS_CERT": str,
    "REDIS_TLS_KEY": str,
    "REDIS_KEY_PREFIX": str,
    "REDIS_SENTINELS": str,  # comma-separated host:port
    "REDIS_MASTER_NAME": str,
    "REDIS_SENTINEL_PASSWORD": str,
    "STATS_NCHAN_PUBLISH_URL": str,
    "STATS_REFERRER_BLOCKLIST": str,  # comma-separated domains
    "STATS_GEOIP_DATABASE": str,
    "LOG_FORMAT": str,
    "LOG_LEVEL": str,
    "METRICS_ALLOW": str,
    "METRICS_TOKEN": str,
}


def load_config(app: Flask, overrides: dict | None) -> None:
    """Fill app.config from defaults, instance/config.py, env vars and explicit overrides."""
    app.config.from_object(Defaults)
    app.config.from_pyfile("config.py", silent=True)
    for name, kind in ENV_VARS.items():
        raw = os.environ.get(name)
        if raw not in (None, ""):
            try:
                app.config[name] = kind(raw)
            except ValueError as exc:
                raise RuntimeError(f"Environment variable {name} must be {kind.__name__}") from exc
    app.config.from_prefixed_env()
    if overrides:
        app.config.update(overrides)

    if not app.config.get("MAX_CONTENT_LENGTH"):
        largest = max(int(app.config["DOCUMENT_MAX_BYTES"]), int(app.config["IMAGE_MAX_BYTES"]))
        app.config["MAX_CONTENT_LENGTH"] = largest + 1024 * 1024  # room for the form around it
    # instance/ holds the database, uploads, keys and Redis data: the server's user only.
    Path(app.instance_path).mkdir(mode=0o700, parents=True, exist_ok=True)
    app.config["SQLALCHEMY_DATABASE_URI"] = database_uri(app)
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = instance_secret(Path(app.instance_path))


def database_uri(app: Flask) -> str:
    """The SQLAlchemy URL: DATABASE_URL when set, else SQLite under instance/."""
    url = app.config.get("DATABASE_URL") or app.config.get("SQLALCHEMY_DATABASE_URI")
    if not url:
        return "sqlite:///" + os.path.join(app.instance_path, "portal.db")
    # Hosting platforms hand out postgres:// URLs; SQLAlchemy wants an explicit driver.
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def instance_secret(instance: Path) -> str:
    """Read the secret key kept in instance/, creating it on first run."""
    instance.mkdir(mode=0o700, parents=True, exist_ok=True)
    path = instance / "secret_key"
    try:
        return path.read_text().strip()
    except FileNotFoundError:
        pass
    key = secrets.token_hex(32)
    # Write aside then link, so a concurrent worker never reads a half-written key.
    tmp = instance / f".secret_key.{os.getpid()}"
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as fh:
        fh.write(key)
    try:
        os.link(tmp, path)
    except FileExistsError:
        key = path.read_text().strip()
    finally:
        tmp.unlink()
    return key
