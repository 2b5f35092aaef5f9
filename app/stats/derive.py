"""The deployment's "reports" job: what Redis kept per day (raw user agents, referrer hosts,
countries, unique visitors per hour, month and year) turned into SQL rows.

Owner: counting engineer (issue 14).
"""

from __future__ import annotations


def run(service) -> None:
    """Derive today's and yesterday's breakdowns and period uniques into SQL."""
