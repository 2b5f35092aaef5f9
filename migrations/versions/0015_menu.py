"""main menu items

Revision ID: 0015_menu
Revises: 0014_pages
"""

import sqlalchemy as sa
from alembic import op

revision = "0015_menu"
down_revision = "0014_pages"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "menu_items",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("label", sa.String(length=100), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("target", sa.String(length=500), nullable=False),
        sa.Column("parent_id", sa.Integer(), nullable=True),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("new_tab", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["parent_id"],
            ["menu_items.id"],
            name=op.f("fk_menu_items_parent_id_menu_items"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_menu_items")),
    )
    with op.batch_alter_table("menu_items", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_menu_items_parent_id"), ["parent_id"], unique=False)


def downgrade():
    with op.batch_alter_table("menu_items", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_menu_items_parent_id"))
    op.drop_table("menu_items")
