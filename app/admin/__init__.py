"""Administration shell: what belongs to no single feature (dashboard, users, audit)."""

from app.admin.routes import bp

__all__ = ["bp"]
