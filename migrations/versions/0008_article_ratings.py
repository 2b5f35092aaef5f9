"""readers' ratings: one vote per visitor per article

Revision ID: 0008_article_ratings
Revises: 0007_article_pending_revisions
"""

import sqlalchemy as sa
from alembic import op

revision = "0008_article_ratings"
down_revision = "0007_article_pending_revisions"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("articles", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("rating_enabled", sa.Boolean(), server_default=sa.true(), nullable=False)
        )
    op.create_table(
        "rating_votes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("article_id", sa.Integer(), nullable=False),
        sa.Column("visitor", sa.String(length=64), nullable=False),
        sa.Column("stars", sa.SmallInteger(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["article_id"],
            ["articles.id"],
            name=op.f("fk_rating_votes_article_id_articles"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_rating_votes")),
        sa.UniqueConstraint("article_id", "visitor", name=op.f("uq_rating_votes_article_id")),
    )


def downgrade():
    op.drop_table("rating_votes")
    with op.batch_alter_table("articles", schema=None) as batch_op:
        batch_op.drop_column("rating_enabled")
