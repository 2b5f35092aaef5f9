"""`flask import-nukeviet SOURCE [--uploads DIR] [--dry-run]`."""

from __future__ import annotations

import sys
from pathlib import Path

import click
from flask.cli import with_appcontext


def _progress(label: str, total: int):
    return click.progressbar(length=total, label=label, file=sys.stderr)  # the report: stdout


@click.command("import-nukeviet")
@click.argument("source")
@click.option("--uploads", type=click.Path(path_type=Path),
              help="Thư mục uploads/ của trang NukeViet cũ (ảnh, tệp đính kèm).")  # fmt: skip
@click.option("--dry-run", is_flag=True, help="Chỉ đếm những gì sẽ nhập, không ghi gì.")
@with_appcontext
def import_nukeviet_command(source: str, uploads: Path | None, dry_run: bool) -> None:
    """Import a NukeViet 4.x site (a .sql dump or a mysql:// URL)."""
    from app.nukeviet import importer
    from app.nukeviet.source import SourceError, open_source

    if uploads is not None and not uploads.is_dir():
        raise click.ClickException(f"Không tìm thấy thư mục uploads: {uploads}")
    try:
        with open_source(source) as opened:
            report = importer.run(opened, uploads=uploads, dry_run=dry_run, progress=_progress)
    except SourceError as exc:
        raise click.ClickException(str(exc)) from exc
    for line in report.lines():
        click.echo(line)
