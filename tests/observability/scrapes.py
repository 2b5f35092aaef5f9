"""Reading /metrics as Prometheus would, for the observability tests."""

from __future__ import annotations

from prometheus_client.parser import text_string_to_metric_families

LOOPBACK = {"REMOTE_ADDR": "127.0.0.1"}


def parse(text: str) -> dict[tuple, float]:
    """{(sample name, (label, value), ...): value} of a /metrics answer."""
    samples = {}
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            samples[(sample.name, *sorted(sample.labels.items()))] = sample.value
    return samples


def scrape(client, **kwargs) -> dict[tuple, float]:
    """GET /metrics from the loopback (the default allowance); it must answer 200."""
    kwargs.setdefault("environ_base", LOOPBACK)
    response = client.get("/metrics", **kwargs)
    assert response.status_code == 200, response.text[:500]
    return parse(response.text)


def page_views(samples: dict, outcome: str = "counted", kind: str = "page",
               visitor: str = "human") -> float:  # fmt: skip
    key = ("portal_page_views_total", ("kind", kind), ("outcome", outcome), ("visitor", visitor))
    return samples.get(key, 0.0)


def value(samples: dict, name: str, **labels) -> float | None:
    return samples.get((name, *sorted(labels.items())))
