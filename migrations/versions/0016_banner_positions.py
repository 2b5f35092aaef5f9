"""banner positions, overlay and link logos

Revision ID: 0016_banner_positions
Revises: 0015_menu

Positions are values of `banners.block`: the old banner block ("banners") is the position
above "Văn bản mới", so older banners stay there and links stay links; "middle" is new. A
link's logo is its `image`. The title overlay becomes a choice: older banners with a picture
keep the overlay they were shown with, new ones start without it.
"""

import sqlalchemy as sa
from alembic import op

revision = "0016_banner_positions"
down_revision = "0015_menu"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("banners", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("show_title", sa.Boolean(), server_default=sa.false(), nullable=False)
        )
    banners = sa.table(
        "banners",
        sa.column("block", sa.String),
        sa.column("image", sa.String),
        sa.column("show_title", sa.Boolean),
    )
    op.execute(
        banners.update()
        .where(banners.c.block == "banners", banners.c.image.is_not(None))
        .values(show_title=True)
    )


def downgrade():
    banners = sa.table("banners", sa.column("block", sa.String))
    # Before this revision the sidebar had one banner block: the new position's rows join it.
    op.execute(banners.update().where(banners.c.block == "middle").values(block="banners"))
    with op.batch_alter_table("banners", schema=None) as batch_op:
        batch_op.drop_column("show_title")
