"""moderation_cases: indexes on the channel and the account a case is about

Revision ID: 0015
Revises: 0014
Create Date: 2026-11-24

A restriction is lifted (appeal, superseded decision) only where no other decision in force
imposes it on the same platform object: the decisions in force are found through the cases about
that channel or account, by `channel_id` and by `account_id`.
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0015"
down_revision: str | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index(op.f("ix_moderation_cases_channel_id"), "moderation_cases", ["channel_id"])
    op.create_index(op.f("ix_moderation_cases_account_id"), "moderation_cases", ["account_id"])


def downgrade() -> None:
    op.drop_index(op.f("ix_moderation_cases_account_id"), table_name="moderation_cases")
    op.drop_index(op.f("ix_moderation_cases_channel_id"), table_name="moderation_cases")
