"""Readers' anti-forgery tokens for forms on cached pages (app/reader_forms.py)."""

from __future__ import annotations

from app.reader_forms import has_valid_token


def test_api_csrf_gives_a_token_that_only_its_own_session_accepts(app, client):
    response = client.get("/api/csrf")
    assert response.status_code == 200
    assert "no-store" in response.headers["Cache-Control"]
    token = response.get_json()["token"]
    assert token and "session" in response.headers.get("Set-Cookie", "")

    def valid(**kwargs) -> bool:
        with app.test_request_context("/x", method="POST", **kwargs):  # opens the session
            return has_valid_token()

    cookie = client.get_cookie("session").value
    headers = {"Cookie": f"session={cookie}"}
    assert valid(data={"csrf_token": token}, headers=headers)
    assert valid(headers={**headers, "X-CSRFToken": token})
    assert not valid(data={"csrf_token": token})  # another reader (no session)
    assert not valid(data={"csrf_token": token + "x"}, headers=headers)
    assert not valid(headers=headers)
