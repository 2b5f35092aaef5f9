"""static pages and contact messages

Revision ID: 0014_pages
Revises: 0013_media_library
"""

import sqlalchemy as sa  # noqa: F401
from alembic import op  # noqa: F401

revision = "0014_pages"
down_revision = "0013_media_library"
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
