"""`flask seed-demo`: fill an empty site with demo content."""

from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext
from sqlalchemy import func, select

from app.extensions import db


@click.command("seed-demo")
@click.option("--if-empty", is_flag=True, help="Only seed when the site has no article yet.")
@click.option(
    "--data",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    help="Read the demo content from this folder instead of app/demo/data (an edited copy).",
)
@with_appcontext
def seed_demo(if_empty: bool, data: Path | None) -> None:
    """Create the demo categories, articles, banners, links and documents (idempotent)."""
    from app.demo.loader import DemoDataError, load
    from app.demo.seed import seed_demo as run
    from app.news.models import Article

    if if_empty and db.session.scalar(select(func.count(Article.id))):
        click.echo("The site already has content; nothing seeded.")
        return
    try:
        content = load(data) if data else load()  # every file checked before any write
    except DemoDataError as error:
        raise click.ClickException(f"demo data refused: {error}") from None
    with current_app.test_request_context("/"):
        counts = run(content)
    if not any(counts.values()):
        click.echo("Demo content is already present; nothing added.")
        return
    added = ", ".join(f"{n} {what}" for what, n in counts.items() if n)
    click.echo(f"Added {added}.")
