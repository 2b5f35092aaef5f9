"""Accounts, logins, server-side sessions and the idle timeout."""

from __future__ import annotations

from flask import Flask, jsonify, redirect, request, url_for
from flask.sessions import SecureCookieSessionInterface

from app.auth.models import User
from app.extensions import login_manager


class SessionInterface(SecureCookieSessionInterface):
    """Flask's signed cookie, marked Secure whenever the request came over HTTPS."""

    def get_cookie_secure(self, app: Flask) -> bool:
        return bool(app.config["SESSION_COOKIE_SECURE"]) or request.is_secure


@login_manager.user_loader
def load_user(token: str) -> User | None:
    from app.auth.operations import load_session

    # Loading writes nothing; real use moves the idle clock after the response
    # (app/auth/activity.py).
    return load_session(token)


@login_manager.unauthorized_handler
def unauthorized():
    if request.accept_mimetypes.best == "application/json" or request.path.startswith("/api/"):
        return jsonify(error=401, message="Cần đăng nhập."), 401
    return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))


def init_app(app: Flask) -> None:
    from app.auth import activity, password_link_routes
    from app.auth.cli import create_admin, password_link, set_password
    from app.auth.routes import bp

    login_manager.init_app(app)
    login_manager.session_protection = None  # sessions are checked server-side instead
    app.session_interface = SessionInterface()
    app.register_blueprint(bp)
    app.register_blueprint(password_link_routes.bp)
    activity.init_app(app)
    app.cli.add_command(create_admin)
    app.cli.add_command(set_password)
    app.cli.add_command(password_link)


__all__ = ["init_app"]
