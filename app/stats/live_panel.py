"""The staff's live panel: online now, page views in the last minute, and what is being
read right now ("đang đọc"), pushed over the same stream machinery on a channel of its own.

Owner: live panel engineer (issue 14).
"""

from __future__ import annotations


def keep_watch(service, hub) -> None:
    """Each tick of each process: note in Redis that this process serves a staff panel."""


def publish(service) -> None:
    """The deployment's "live_panel" job (each second): publish the panel if anyone watches."""
