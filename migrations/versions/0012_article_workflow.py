"""article workflow: submitted and returned states

Revision ID: 0012_article_workflow
Revises: 0011_item_daily_views
"""

import sqlalchemy as sa  # noqa: F401
from alembic import op  # noqa: F401

revision = "0012_article_workflow"
down_revision = "0011_item_daily_views"
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
