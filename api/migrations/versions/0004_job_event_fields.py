"""job events keep their structured fields: status, sections, seconds, elapsed

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-04 19:10:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("job_events", schema=None) as batch_op:
        batch_op.add_column(sa.Column("status", sa.String(length=16), nullable=True))
        batch_op.add_column(sa.Column("sections", sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column("seconds", sa.Float(), nullable=True))
        batch_op.add_column(sa.Column("elapsed", sa.Float(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("job_events", schema=None) as batch_op:
        batch_op.drop_column("elapsed")
        batch_op.drop_column("seconds")
        batch_op.drop_column("sections")
        batch_op.drop_column("status")
