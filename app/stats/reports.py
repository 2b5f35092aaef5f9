"""Report queries over the SQL history (stats_daily, stats_hourly, stats_periods,
stats_breakdown, stats_item_daily): what the admin reports and /thong-ke/ show.

Owner: reports engineer (issue 14). Read-only; every function takes local days (site zone).
"""

from __future__ import annotations
