"""What the search tests share: reading the results page."""

from __future__ import annotations

from pages import parse, squash


def search(client, status: int = 200, **args):
    """GET /tim-kiem with `args`; the response, its status checked."""
    response = client.get("/tim-kiem", query_string=args)
    assert response.status_code == status, response.get_data(as_text=True)[:2000]
    return response


def hits(client, q: str, **args) -> list[str]:
    """The titles found for `q`, in the order shown."""
    page = search(client, q=q, **args).get_data(as_text=True)
    return [squash(h.text()) for h in parse(page).find_all("h3", cls="search-hit-title")]


def hit_nodes(client, q: str, **args):
    page = search(client, q=q, **args).get_data(as_text=True)
    return parse(page).find_all("li", cls="search-hit")


def summary(page: str) -> str:
    node = parse(page).find(cls="search-summary")
    return squash(node.text()) if node else ""
