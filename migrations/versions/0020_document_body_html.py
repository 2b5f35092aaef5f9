"""Documents: the body is sanitised rich text (HTML)

Revision ID: 0020_document_body_html
Revises: 0019_password_links
"""

import sqlalchemy as sa  # noqa: F401
from alembic import op  # noqa: F401

revision = "0020_document_body_html"
down_revision = "0019_password_links"
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
