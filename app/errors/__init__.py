"""Error pages in Vietnamese, JSON for JSON clients."""

from app.errors.handlers import bp

__all__ = ["bp"]
