"""complaints: the complainant's chat to push the outcome to (a bot reporter)

Revision ID: 0014
Revises: 0013
Create Date: 2026-11-23

Like `moderation_reports.notify_account_id`: the platform account a complaint filed through the
report bot is answered in, kept only until the last notice to it is queued (the answer when the
complaint is rejected, the new decision when it was upheld), then erased.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("moderation_complaints", sa.Column("notify_account_id", sa.String(length=64)))


def downgrade() -> None:
    # in place, as 0012's downgrade: a SQLite batch copy would trip the foreign keys
    op.drop_column("moderation_complaints", "notify_account_id")
