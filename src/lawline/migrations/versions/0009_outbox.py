"""outbox: intents applied after commit, scheduled job runs, reporters to notify

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-23
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "outbox_intents",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("key", sa.String(length=200), nullable=False),
        sa.Column("kind", sa.String(length=60), nullable=False),
        sa.Column("lane", sa.String(length=120), nullable=False),
        sa.Column("subject", sa.String(length=120), nullable=False),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("available_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("done_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("outcome", sa.String(length=40), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_outbox_intents")),
        sa.UniqueConstraint("key", name=op.f("uq_outbox_intents_key")),
    )
    op.create_index("ix_outbox_intents_pending", "outbox_intents", ["status", "available_at"])
    op.create_index("ix_outbox_intents_lane", "outbox_intents", ["lane", "id"])
    op.create_table(
        "outbox_jobs",
        sa.Column("name", sa.String(length=60), nullable=False),
        sa.Column("last_run_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_result", sa.JSON(), nullable=True),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_outbox_jobs")),
    )
    with op.batch_alter_table("moderation_reports") as batch:
        batch.add_column(sa.Column("notify_account_id", sa.String(length=64), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("moderation_reports") as batch:
        batch.drop_column("notify_account_id")
    op.drop_table("outbox_jobs")
    op.drop_index("ix_outbox_intents_lane", table_name="outbox_intents")
    op.drop_index("ix_outbox_intents_pending", table_name="outbox_intents")
    op.drop_table("outbox_intents")
