"""item views per day (most read)

Revision ID: 0011_item_daily_views
Revises: 0010_search
"""

import sqlalchemy as sa  # noqa: F401
from alembic import op  # noqa: F401

revision = "0011_item_daily_views"
down_revision = "0010_search"
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
