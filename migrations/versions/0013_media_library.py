"""media library

Revision ID: 0013_media_library
Revises: 0012_article_workflow
"""

import sqlalchemy as sa
from alembic import op

revision = "0013_media_library"
down_revision = "0012_article_workflow"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "media_items",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("file_name", sa.String(length=100), nullable=False),
        sa.Column("content_hash", sa.String(length=64), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("alt", sa.String(length=300), nullable=False),
        sa.Column("original_name", sa.String(length=255), nullable=False),
        sa.Column("search_text", sa.String(length=1000), nullable=False),
        sa.Column("width", sa.Integer(), nullable=False),
        sa.Column("height", sa.Integer(), nullable=False),
        sa.Column("file_size", sa.Integer(), nullable=False),
        sa.Column("uploaded_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["uploaded_by_id"],
            ["users.id"],
            name=op.f("fk_media_items_uploaded_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_media_items")),
        sa.UniqueConstraint("content_hash", name=op.f("uq_media_items_content_hash")),
        sa.UniqueConstraint("file_name", name=op.f("uq_media_items_file_name")),
    )
    op.create_index(op.f("ix_media_items_created_at"), "media_items", ["created_at"])
    op.create_index(op.f("ix_media_items_uploaded_by_id"), "media_items", ["uploaded_by_id"])


def downgrade():
    op.drop_index(op.f("ix_media_items_uploaded_by_id"), table_name="media_items")
    op.drop_index(op.f("ix_media_items_created_at"), table_name="media_items")
    op.drop_table("media_items")
