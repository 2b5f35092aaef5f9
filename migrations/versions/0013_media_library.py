"""media library

Revision ID: 0013_media_library
Revises: 0012_article_workflow
"""

import sqlalchemy as sa  # noqa: F401
from alembic import op  # noqa: F401

revision = "0013_media_library"
down_revision = "0012_article_workflow"
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
