"""`flask create-admin`, `flask set-password` and `flask password-link`."""

from __future__ import annotations

import click
from flask.cli import with_appcontext

from app.auth.models import Role


@click.command("create-admin")
@click.option("--username", prompt="Tên đăng nhập", help="Login name (letters, digits, . _ -).")
@click.option("--display-name", default="", help="Name shown to others.")
@click.option("--email", default="")
@click.option(
    "--password",
    prompt="Mật khẩu",
    hide_input=True,
    confirmation_prompt=True,
    envvar="ADMIN_PASSWORD",
    help="Or set ADMIN_PASSWORD; prompted otherwise.",
)
@with_appcontext
def create_admin(username: str, display_name: str, email: str, password: str) -> None:
    """Create an administrator account."""
    from app.auth.operations import AccountError, create_user

    try:
        user = create_user(
            username, password, display_name=display_name, email=email, role=Role.ADMIN
        )
    except AccountError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"Administrator '{user.username}' created.")


@click.command("set-password")
@click.argument("username")
@click.option(
    "--password",
    prompt="Mật khẩu mới",
    hide_input=True,
    confirmation_prompt=True,
    envvar="NEW_PASSWORD",
)
@with_appcontext
def set_password(username: str, password: str) -> None:
    """Set a user's password (ends that user's sessions)."""
    from app.auth.operations import AccountError, find_user
    from app.auth.operations import set_password as change

    user = find_user(username)
    if user is None:
        raise click.ClickException(f"No user named '{username}'.")
    try:
        change(user, password)
    except AccountError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"Password of '{user.username}' changed; their sessions were ended.")


@click.command("password-link")
@click.argument("username")
@with_appcontext
def password_link(username: str) -> None:
    """Print a one-time link with which USERNAME sets their own password (voids older ones)."""
    from app.auth import password_links
    from app.auth.operations import find_user

    user = find_user(username)
    if user is None:
        raise click.ClickException(f"No user named '{username}'.")
    issued = password_links.issue(user, by=None)
    click.echo(issued.url)
    click.echo(
        f"Valid until {issued.expires_at:%Y-%m-%d %H:%M} UTC, once; send it to "
        f"'{user.username}' through a trusted channel.",
        err=True,
    )
    if not issued.absolute:
        click.echo("SITE_URL is not set: put the site's address in front of this path.", err=True)
