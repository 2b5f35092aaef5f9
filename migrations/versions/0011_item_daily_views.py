"""item views per day (most read)

Revision ID: 0011_item_daily_views
Revises: 0010_search
"""

import sqlalchemy as sa
from alembic import op

revision = "0011_item_daily_views"
down_revision = "0010_search"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "stats_item_daily",
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("views", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("kind", "item_id", "day", name=op.f("pk_stats_item_daily")),
    )
    op.create_index("ix_stats_item_daily_kind_day", "stats_item_daily", ["kind", "day"])


def downgrade():
    op.drop_index("ix_stats_item_daily_kind_day", table_name="stats_item_daily")
    op.drop_table("stats_item_daily")
