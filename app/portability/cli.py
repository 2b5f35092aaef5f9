"""`flask export PATH` and `flask import PATH`."""

from __future__ import annotations

from pathlib import Path

import click
from flask.cli import with_appcontext

from app.portability.archive import ArchiveError


def _size(n: int) -> str:
    return f"{n / 1024 / 1024:.1f} MB" if n >= 1024 * 1024 else f"{n / 1024:.0f} KB"


@click.command("export")
@click.argument("path", type=click.Path(dir_okay=False, writable=True, path_type=Path))
@with_appcontext
def export_command(path: Path) -> None:
    """Write the whole site (every table, uploads, revision) to one .tar.gz archive."""
    from app.portability.exporter import export_site

    if path.exists():
        raise click.ClickException(f"{path} đã tồn tại; chọn một tên tệp mới.")
    manifest = export_site(path)
    rows = sum(entry["rows"] for entry in manifest.tables)
    stats = manifest.statistics
    click.echo(
        f"Đã xuất {rows} dòng của {len(manifest.tables)} bảng và {len(manifest.files)} tệp "
        f"vào {path} ({_size(path.stat().st_size)}), phiên bản {manifest.revision}."
    )
    if not stats["checkpointed"]:
        click.echo(
            "Cảnh báo: không ghi được số liệu thống kê từ Redis vào cơ sở dữ liệu trước khi "
            "xuất; bản xuất có số liệu của lần ghi gần nhất.",
            err=True,
        )


@click.command("import")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--revision",
    "show_revision",
    is_flag=True,
    help="Only print the archive's database revision (for `flask db upgrade REV`).",
)
@click.option(
    "--migrate",
    is_flag=True,
    help="Create the tables at the archive's revision first (on a database without any), "
    "and upgrade to this release's revision after (flask db upgrade).",
)
@with_appcontext
def import_command(path: Path, show_revision: bool, migrate: bool) -> None:
    """Load an archive of `flask export` into this site's EMPTY database and instance/."""
    from app.portability.importer import import_site, open_archive

    try:
        if show_revision:
            archive, manifest = open_archive(path)
            archive.close()
            click.echo(manifest.revision)
            return
        manifest = import_site(path, migrate=migrate)
    except ArchiveError as exc:
        raise click.ClickException(str(exc)) from None
    rows = sum(entry["rows"] for entry in manifest.tables)
    click.echo(
        f"Đã nhập {rows} dòng của {len(manifest.tables)} bảng và {len(manifest.files)} tệp "
        f"từ {path} (xuất lúc {manifest.created_at}, phiên bản {manifest.revision})."
    )
