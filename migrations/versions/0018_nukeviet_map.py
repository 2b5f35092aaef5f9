"""NukeViet import: the map of imported rows

Revision ID: 0018_nukeviet_map
Revises: 0017_stats_reports
"""

import sqlalchemy as sa
from alembic import op

revision = "0018_nukeviet_map"
down_revision = "0017_stats_reports"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "nukeviet_map",
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("old_id", sa.String(length=64), nullable=False),
        sa.Column("new_id", sa.Integer(), nullable=True),
        sa.Column("old_alias", sa.String(length=255), nullable=True),
        sa.Column("note", sa.String(length=255), nullable=False),
        sa.Column("imported_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("kind", "old_id", name=op.f("pk_nukeviet_map")),
    )
    op.create_index("ix_nukeviet_map_kind_old_alias", "nukeviet_map", ["kind", "old_alias"])


def downgrade():
    op.drop_index("ix_nukeviet_map_kind_old_alias", table_name="nukeviet_map")
    op.drop_table("nukeviet_map")
