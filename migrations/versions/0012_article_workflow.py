"""article workflow: submitted and returned states

Articles gain the "submitted" and "returned" statuses (the status column already holds any
short string): when an article was last submitted, and the publisher's last decision on it
(note, who, when). A revision gains a note saying what the save was (submitted, returned with
a note, restored from an earlier revision).

Revision ID: 0012_article_workflow
Revises: 0011_item_daily_views
"""

import sqlalchemy as sa
from alembic import op

revision = "0012_article_workflow"
down_revision = "0011_item_daily_views"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("articles", schema=None) as batch_op:
        batch_op.add_column(sa.Column("submitted_at", sa.DateTime(), nullable=True))
        batch_op.add_column(
            sa.Column("review_note", sa.Text(), server_default=sa.text("''"), nullable=False)
        )
        batch_op.add_column(
            sa.Column(
                "reviewed_by", sa.String(length=60), server_default=sa.text("''"), nullable=False
            )
        )
        batch_op.add_column(sa.Column("reviewed_at", sa.DateTime(), nullable=True))
    with op.batch_alter_table("article_revisions", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("note", sa.Text(), server_default=sa.text("''"), nullable=False)
        )


def downgrade():
    # The older code knows neither state: what waited for a publisher goes back to drafts.
    op.execute("UPDATE articles SET status = 'draft' WHERE status IN ('submitted', 'returned')")
    with op.batch_alter_table("article_revisions", schema=None) as batch_op:
        batch_op.drop_column("note")
    with op.batch_alter_table("articles", schema=None) as batch_op:
        batch_op.drop_column("reviewed_at")
        batch_op.drop_column("reviewed_by")
        batch_op.drop_column("review_note")
        batch_op.drop_column("submitted_at")
