"""docs/deploy.md's backup and restore commands, run as written (the blocks marked
`# test: backup` and `# test: restore`) against a site with articles, uploads and visitor
counts still in Redis: backup, wipe the database, instance/ folder and Redis, restore, and the
site is back. On the run's database: SQLite, and PostgreSQL in the PostgreSQL run."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from flask_migrate import upgrade
from run_database import create_database, server_database
from site_archive import site_files
from sqlalchemy import make_url
from stats_helpers import publish, stats, visitor

from app.extensions import db, redis_store
from app.media import save_image_bytes

ROOT = Path(__file__).resolve().parent.parent
DOC = ROOT / "docs" / "deploy.md"
MARKED = re.compile(r"```sh\n# test: (\w+)\n(.*?)```", re.S)
# The doc's paths and its "as the site's user", as they are on this machine.
SERVER_PATHS = ("sudo -u portal ", "/srv/portal", "/var/backups/portal")


def doc_commands() -> dict[str, str]:
    """The marked blocks, the same in the Vietnamese and the English half."""
    found: dict[str, set[str]] = {}
    for name, body in MARKED.findall(DOC.read_text(encoding="utf-8")):
        found.setdefault(name, set()).add(body)
    assert set(found) == {"backup", "restore"}, "docs/deploy.md lost a marked block"
    for name, bodies in found.items():
        assert len(bodies) == 1, f"the two halves give different {name} commands"
    return {name: bodies.pop() for name, bodies in found.items()}


def here(command: str, backups: Path) -> str:
    for path in SERVER_PATHS:
        assert path in command, f"the doc's command no longer says {path!r}: {command}"
    return (
        command.replace("sudo -u portal ", "")
        .replace("/srv/portal", str(ROOT))
        .replace("/var/backups/portal", str(backups))
    )


def run(command: str, env_file: Path, cwd: Path) -> str:
    env = {name: value for name, value in os.environ.items()
           if not name.startswith(("FLASK_", "DATABASE_", "REDIS_", "INSTANCE_"))}  # fmt: skip
    env["PORTAL_ENV"] = str(env_file)
    done = subprocess.run(["sh", "-eu", "-c", command], env=env, cwd=cwd, capture_output=True,
                          text=True, timeout=180)  # fmt: skip
    assert done.returncode == 0, f"{command}\n{done.stdout}\n{done.stderr}"
    return done.stdout


@pytest.fixture
def database_url(tmp_path):
    """The site's database: a scratch PostgreSQL database in the PostgreSQL run, else a
    SQLite file in its instance folder."""
    with server_database() as url:
        yield url or f"sqlite:///{tmp_path / 'site' / 'portal.db'}"


def test_the_guide_backs_up_and_restores_a_site(make_app, database_url, redis_url, tmp_path):
    commands = doc_commands()
    instance, backups = tmp_path / "site", tmp_path / "backups"
    env_file = tmp_path / "portal.env"
    env_file.write_text(f"DATABASE_URL={database_url}\nREDIS_URL={redis_url}\n"
                        f"INSTANCE_PATH={instance}\nBACKUP_KEEP=2\n")  # fmt: skip
    for year in (2020, 2021):  # older backups: the oldest goes, the restore takes the newest
        (backups / f"portal-{year}0101T020000Z").mkdir(parents=True)
    config = {"INSTANCE_PATH": str(instance), "DATABASE_URL": database_url,
              "SQLALCHEMY_DATABASE_URI": None, "SECRET_KEY": None}  # fmt: skip
    instance.mkdir()
    site = make_app(**config)
    with site.app_context():
        redis_store.client.flushdb()
        upgrade()
        picture = save_image_bytes(b"\x89PNG a picture's bytes", "png")
        db.session.remove()
    article = publish(site, "Sở Nội vụ tổ chức hội nghị tổng kết năm")
    for n in range(3):
        assert visitor(site, ip=f"198.51.100.{n + 1}").get(article.url).status_code == 200
    before = stats(site)
    assert before["total"] == 3  # in Redis only: nothing has written it to the database yet
    files, key = site_files(instance), (instance / "secret_key").read_bytes()
    assert f"uploads/images/{picture}" in files
    with site.app_context():
        db.engine.dispose()

    run(here(commands["backup"], backups), env_file, tmp_path)
    older, backup = sorted(backups.iterdir())
    assert older.name == "portal-20210101T020000Z"
    assert {p.name for p in backup.iterdir()} == {"site.tar.gz", "secret_key", "SHA256SUMS"}

    # The server is lost: database, instance/ folder and Redis.
    shutil.rmtree(instance)
    redis_store.client.flushdb()
    if database_url.startswith("postgresql"):
        create_database(os.environ["TEST_DATABASE_URL"], make_url(database_url).database,
                        replace=True)  # fmt: skip

    run(here(commands["restore"], backups), env_file, tmp_path)
    assert site_files(instance) == files
    assert (instance / "secret_key").read_bytes() == key
    restored = make_app(**config)
    page = visitor(restored, ip="198.51.100.9").get(article.url)
    assert page.status_code == 200
    assert "Sở Nội vụ tổ chức hội nghị tổng kết năm" in page.get_data(as_text=True)
    after = stats(restored)
    assert after["total"] == before["total"] + 1  # the three before, and this page view
    with restored.app_context():
        db.engine.dispose()
