"""banner positions, overlay and link logos

Revision ID: 0016_banner_positions
Revises: 0015_menu
"""

import sqlalchemy as sa  # noqa: F401
from alembic import op  # noqa: F401

revision = "0016_banner_positions"
down_revision = "0015_menu"
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
