"""job leases, and at most one canvas version per job

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-02 10:00:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("jobs", schema=None) as batch_op:
        batch_op.add_column(sa.Column("lease_owner", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("lease_expires_at", sa.DateTime(timezone=True), nullable=True))
    with op.batch_alter_table("canvas_versions", schema=None) as batch_op:
        batch_op.add_column(sa.Column("job_id", sa.String(length=32), nullable=True))
        batch_op.create_unique_constraint("uq_canvas_versions_job", ["job_id"])


def downgrade() -> None:
    with op.batch_alter_table("canvas_versions", schema=None) as batch_op:
        batch_op.drop_constraint("uq_canvas_versions_job", type_="unique")
        batch_op.drop_column("job_id")
    with op.batch_alter_table("jobs", schema=None) as batch_op:
        batch_op.drop_column("lease_expires_at")
        batch_op.drop_column("lease_owner")
