"""readers' comments and site settings

Revision ID: 0009_comments
Revises: 0008_article_ratings
"""

import sqlalchemy as sa  # noqa: F401
from alembic import op  # noqa: F401

revision = "0009_comments"
down_revision = "0008_article_ratings"
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
