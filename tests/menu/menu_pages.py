"""What the menu tests share: reading the site's menu off a page, the editor's list, posting."""

from __future__ import annotations

import html
import re

from auth_helpers import page_token
from pages import parse

BASE = "/admin/menu/"


def send(client, path: str, data: dict | None = None, follow: bool = False):
    """POST `data` with this client's CSRF token, as the page's form would."""
    token = page_token(client, "/admin/")
    return client.post(path, data={"csrf_token": token, **(data or {})}, follow_redirects=follow)


def item_form(label: str, kind: str, **fields) -> dict:
    """The editor's form as a browser sends it (empty target fields, top level)."""
    return {"label": label, "kind": kind, "category": "0", "page": "", "document": "", "url": "",
            "parent": "0"} | fields  # fmt: skip


def site_menu(page: str) -> list[tuple[str, str, list]]:
    """The main menu of a page: (label, href, children) for each top item, children alike."""
    nav = parse(page).find("nav", cls="main-nav")
    assert nav is not None, "no main menu on the page"

    def tagged(node, tag: str) -> list:
        return [c for c in node.children if getattr(c, "tag", None) == tag]

    def items(ul) -> list:
        found = []
        for li in tagged(ul, "li"):
            link = tagged(li, "a")[0]
            sub = next(iter(tagged(li, "ul")), None)
            found.append((link.text().strip(), link.get("href"), items(sub) if sub else []))
        return found

    return items(nav.find("ul", id="main-menu"))


def editor_rows(client) -> list[tuple[int, str]]:
    """(depth, label) of each row of the editor's list, top to bottom."""
    page = client.get(BASE).text
    rows = re.findall(
        r'<tr id="muc-\d+" data-depth="(\d+)">.*?<a href="[^"]+">([^<]+)</a>', page, re.S
    )
    return [(int(depth), html.unescape(label)) for depth, label in rows]
