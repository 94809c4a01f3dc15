"""tally: per-quarter counters and durations behind the transparency figures, backfilled

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-23

The domains add to these in the transaction of each change (lawline.tally). An upgraded
database already holds rows those changes never counted: the backfill counts them from the
`transparency_*` views, in this migration's transaction.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from lawline.tally.backfill import rebuild

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "tally_counters",
        sa.Column("quarter", sa.String(length=7), nullable=False),
        sa.Column("scope", sa.String(length=2), nullable=False),
        sa.Column("figure", sa.String(length=40), nullable=False),
        sa.Column("key", sa.String(length=80), nullable=False),
        sa.Column("n", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint(
            "quarter", "scope", "figure", "key", name=op.f("pk_tally_counters")
        ),
    )
    op.create_table(
        "tally_durations",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("quarter", sa.String(length=7), nullable=False),
        sa.Column("scope", sa.String(length=2), nullable=False),
        sa.Column("figure", sa.String(length=40), nullable=False),
        sa.Column("seconds", sa.Float(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_tally_durations")),
    )
    op.create_index(
        "ix_tally_durations_median",
        "tally_durations",
        ["quarter", "figure", "scope", "seconds"],
    )
    rebuild(op.get_bind())


def downgrade() -> None:
    op.drop_index("ix_tally_durations_median", table_name="tally_durations")
    op.drop_table("tally_durations")
    op.drop_table("tally_counters")
