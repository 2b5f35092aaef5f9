"""The demo site's library: the demo's pictures (articles' illustrations, images in bodies,
banners), registered once the rest of the demo content is stored."""

from __future__ import annotations

from app.media_library.operations import index_folder


def seed_demo() -> int:
    """Register the demo's images; how many were added (0 on a second run)."""
    return index_folder()
