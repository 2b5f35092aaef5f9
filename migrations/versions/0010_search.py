"""the site search index

Revision ID: 0010_search
Revises: 0009_comments
"""

from alembic import op

from app.search import schema

revision = "0010_search"
down_revision = "0009_comments"
branch_labels = None
depends_on = None


def upgrade():
    # SQLite: an FTS5 table; PostgreSQL: a tsvector table under a GIN index (app/search/schema.py).
    connection = op.get_bind()
    schema.create(connection)
    schema.rebuild(connection)


def downgrade():
    schema.drop(op.get_bind())
