"""statistics reports: hourly unique visitors, imported days, periods, breakdowns, covering
indexes for the rankings

Revision ID: 0017_stats_reports
Revises: 0016_banner_positions
"""

import sqlalchemy as sa
from alembic import op

revision = "0017_stats_reports"
down_revision = "0016_banner_positions"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("stats_hourly") as batch:
        batch.add_column(sa.Column("visitors", sa.Integer(), nullable=False, server_default="0"))
    with op.batch_alter_table("stats_daily") as batch:
        batch.add_column(
            sa.Column("imported", sa.Boolean(), nullable=False, server_default=sa.false())
        )
    op.create_table(
        "stats_periods",
        sa.Column("period", sa.String(length=7), nullable=False),
        sa.Column("visitors", sa.Integer(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("period", name=op.f("pk_stats_periods")),
    )
    op.create_table(
        "stats_breakdown",
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("dimension", sa.String(length=16), nullable=False),
        sa.Column("value", sa.String(length=255), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("day", "dimension", "value", name=op.f("pk_stats_breakdown")),
    )
    op.create_index("ix_stats_breakdown_dimension_day_value_count", "stats_breakdown",
                    ["dimension", "day", "value", "count"])  # fmt: skip
    # The reports rank items over a period from the index alone; it leads like the old one.
    op.drop_index("ix_stats_item_daily_kind_day", table_name="stats_item_daily")
    columns = ["kind", "day", "item_id", "views"]
    op.create_index("ix_stats_item_daily_kind_day_views", "stats_item_daily", columns)


def downgrade():
    op.drop_index("ix_stats_item_daily_kind_day_views", table_name="stats_item_daily")
    op.create_index("ix_stats_item_daily_kind_day", "stats_item_daily", ["kind", "day"])
    op.drop_index("ix_stats_breakdown_dimension_day_value_count", table_name="stats_breakdown")
    op.drop_table("stats_breakdown")
    op.drop_table("stats_periods")
    with op.batch_alter_table("stats_daily") as batch:
        batch.drop_column("imported")
    with op.batch_alter_table("stats_hourly") as batch:
        batch.drop_column("visitors")
