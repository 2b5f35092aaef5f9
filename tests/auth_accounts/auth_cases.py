"""Accounts and logins tests (issue 5 and 9): the constants and helpers the test_auth_*.py
modules share (sessions as stored, backdating, audit rows, the profile form). Not a test
module; the login helpers every area uses are tests/auth_helpers.py.
"""

from __future__ import annotations

from auth_helpers import is_login_redirect, login, page_token
from sqlalchemy import select, update

from app.auth.models import User, UserSession
from app.extensions import db

IDLE = 1800  # IDLE_TIMEOUT_SECONDS by default
ADMIN_HOME = "/admin/"
# A long sentence without repeats, cut to the length a test needs.
LONG_TEXT = (
    "Mùa thu Hà Nội năm ấy lá vàng rơi khắp phố, gió heo may se lạnh và tiếng rao đêm vọng về "
    "từ ngõ nhỏ bên hồ Gươm; người bán hoa sữa đạp xe qua cầu Long Biên lúc trời vừa hửng sáng."
)
# WTForms 3.3 deprecates tuple choices (app/admin/forms.py, app/admin/routes.py) and pytest
# turns the warning into an error: test_the_user_forms_render_under_the_warning_policy keeps
# that visible, the tests of what the user forms do set it aside.
TUPLE_CHOICES = "ignore:Passing SelectField choices as tuples is deprecated:DeprecationWarning"
EXPIRED_MESSAGE = "Phiên đăng nhập đã hết hạn do không sử dụng. Vui lòng đăng nhập lại."


def is_logged_in(client) -> bool:
    response = client.get(ADMIN_HOME)
    assert response.status_code == 200 or is_login_redirect(response), response.status_code
    return response.status_code == 200


def live_sessions(app, user_id: int) -> list[UserSession]:
    with app.app_context():
        rows = list(
            db.session.scalars(
                select(UserSession)
                .where(UserSession.user_id == user_id, UserSession.ended_at.is_(None))
                .order_by(UserSession.id)
            )
        )
        db.session.expunge_all()
        return rows


def all_sessions(app, user_id: int) -> list[UserSession]:
    with app.app_context():
        rows = list(
            db.session.scalars(
                select(UserSession).where(UserSession.user_id == user_id).order_by(UserSession.id)
            )
        )
        db.session.expunge_all()
        return rows


def backdate_sessions(app, user_id: int, *, last_active_at=None, created_at=None) -> None:
    """Pretend the user's live sessions were last used / started at these (naive UTC) times."""
    values = {}
    if last_active_at is not None:
        values["last_active_at"] = last_active_at
    if created_at is not None:
        values["created_at"] = created_at
    with app.app_context():
        db.session.execute(
            update(UserSession)
            .where(UserSession.user_id == user_id, UserSession.ended_at.is_(None))
            .values(**values)
        )
        db.session.commit()


def get_user(app, user_id: int) -> User:
    with app.app_context():
        user = db.session.get(User, user_id)
        _ = list(user.categories)
        db.session.expunge_all()
        return user


def categories(app, *names: str) -> list[int]:
    from app.news.operations import create_category

    with app.app_context():
        return [create_category(name, by=None).id for name in names]


def change_password(client, current: str, new: str):
    """Send the profile page's password form."""
    token = page_token(client, "/auth/profile")
    data = {"csrf_token": token, "current": current, "new": new, "confirm": new}
    return client.post("/auth/profile", data=data)


def long_password(length: int) -> str:
    assert length <= len(LONG_TEXT)
    return LONG_TEXT[:length]


def fail(app, username: str, ip: str, password: str = "sai-mat-khau-roi"):
    return login(app.test_client(), username, password, ip=ip)
