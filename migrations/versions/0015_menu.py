"""main menu items

Revision ID: 0015_menu
Revises: 0014_pages
"""

import sqlalchemy as sa  # noqa: F401
from alembic import op  # noqa: F401

revision = "0015_menu"
down_revision = "0014_pages"
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
