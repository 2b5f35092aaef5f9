"""the site search index

Revision ID: 0010_search
Revises: 0009_comments
"""

import sqlalchemy as sa  # noqa: F401
from alembic import op  # noqa: F401

revision = "0010_search"
down_revision = "0009_comments"
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
