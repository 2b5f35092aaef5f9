"""`flask media index`: register the images already in the media folder."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import AppGroup

media = AppGroup("media", help="The media library.")


@media.command("index")
def index() -> None:
    """Add the images of the media folder the library does not know yet (idempotent)."""
    from app.media_library.operations import index_folder

    # url_for in the usage finders and the item JSON needs a request context.
    with current_app.test_request_context("/"):
        added = index_folder()
    if added:
        click.echo(f"Added {added} image(s) to the media library.")
    else:
        click.echo("The media library already lists every image of the media folder.")
