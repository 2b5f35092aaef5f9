"""article revisions waiting for a publisher; bodies sanitised again

A save of a published article by an editor without the publish right is stored as a
pending revision instead of changing the article; the state says which revisions those are.

The body sanitiser now keeps only the editor's own classes and (unless
ARTICLE_EXTERNAL_IMAGES) no images from other hosts; bodies stored before are cleaned the
same way here, so old articles do not keep what new saves would lose.

Revision ID: 0007_article_pending_revisions
Revises: 0005_article_revisions
"""

import sqlalchemy as sa
from alembic import op

from app.html_sanitizer import sanitize_html

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
    bind = op.get_bind()
    for name in ("articles", "article_revisions"):
        table = sa.table(name, sa.column("id", sa.Integer), sa.column("body", sa.Text))
        last = 0
        while True:  # in batches: a site's whole archive need not fit in memory
            rows = bind.execute(
                sa.select(table.c.id, table.c.body)
                .where(table.c.id > last)
                .order_by(table.c.id)
                .limit(500)
            ).all()
            if not rows:
                break
            for row_id, body in rows:
                cleaned = sanitize_html(body or "")
                if cleaned != (body or ""):
                    bind.execute(table.update().where(table.c.id == row_id).values(body=cleaned))
            last = rows[-1][0]


def downgrade():
    with op.batch_alter_table("article_revisions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_article_revisions_state"))
        batch_op.drop_column("state")
