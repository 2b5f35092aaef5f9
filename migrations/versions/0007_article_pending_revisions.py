"""article revisions waiting for a publisher

A save of a published article by an editor without the publish right is stored as a
pending revision instead of changing the article; the state says which revisions those are.

Revision ID: 0007_article_pending_revisions
Revises: 0005_article_revisions
"""

import sqlalchemy as sa
from alembic import op

revision = "0007_article_pending_revisions"
down_revision = "0005_article_revisions"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("article_revisions", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("state", sa.String(length=12), server_default="saved", nullable=False)
        )
        batch_op.create_index(
            batch_op.f("ix_article_revisions_state"), ["state"], unique=False
        )


def downgrade():
    with op.batch_alter_table("article_revisions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_article_revisions_state"))
        batch_op.drop_column("state")
