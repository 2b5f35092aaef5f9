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
    # Background statistics work (subscriber, checkpoints); tests drive it by hand.
    STATS_BACKGROUND = True
    # Live-stats streams one server process holds before answering 503.
    STATS_STREAM_CAP = 12000
    # Seconds between comment heartbeats on an idle live-stats stream (HTML spec: <= 15).
    STATS_STREAM_HEARTBEAT = 15
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
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_REFRESH_EACH_REQUEST = False
    SESSION_COOKIE_SECURE = False  # also Secure whenever a request arrives over HTTPS
    PERMANENT_SESSION_LIFETIME = 12 * 3600  # "remember me" never outlives the 12 h limit
    WTF_CSRF_TIME_LIMIT = None


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
    "DOCUMENT_MAX_BYTES": int,
    "IMAGE_MAX_BYTES": int,
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
    instance.mkdir(parents=True, exist_ok=True)
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
