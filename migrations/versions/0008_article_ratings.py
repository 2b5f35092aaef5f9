"""readers' ratings: one vote per visitor per article

Revision ID: 0008_article_ratings
Revises: 0007_article_pending_revisions
"""

import sqlalchemy as sa  # noqa: F401
from alembic import op  # noqa: F401

revision = "0008_article_ratings"
down_revision = "0007_article_pending_revisions"
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
