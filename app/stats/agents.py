"""What a user agent and a referrer say: browser, OS, device type, bot name, search engine
(a maintained user-agent parser), and which referrer hosts are left out of the reports.

Owner: agents/import engineer (issue 14).
"""

from __future__ import annotations
