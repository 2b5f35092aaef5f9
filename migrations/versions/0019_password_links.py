"""Accounts: one-time password-setting links an administrator issues

Revision ID: 0019_password_links
Revises: 0018_nukeviet_map
"""

import sqlalchemy as sa  # noqa: F401
from alembic import op  # noqa: F401

revision = "0019_password_links"
down_revision = "0018_nukeviet_map"
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
