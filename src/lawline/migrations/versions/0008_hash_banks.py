"""hash banks, banked hashes, media matches; the bank a case's media matched

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-23
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "hash_banks",
        sa.Column("id", sa.String(length=40), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("category", sa.String(length=40), nullable=False),
        sa.Column("pdq_threshold", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_hash_banks")),
        sa.UniqueConstraint("name", name=op.f("uq_hash_banks_name")),
    )
    op.create_table(
        "banked_hashes",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("bank_id", sa.String(length=40), nullable=False),
        sa.Column("signal_type", sa.String(length=10), nullable=False),
        sa.Column("value", sa.String(length=64), nullable=False),
        sa.Column("added_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["bank_id"], ["hash_banks.id"], name=op.f("fk_banked_hashes_bank_id_hash_banks")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_banked_hashes")),
        sa.UniqueConstraint(
            "bank_id", "signal_type", "value", name=op.f("uq_banked_hashes_bank_id")
        ),
    )
    op.create_index(op.f("ix_banked_hashes_bank_id"), "banked_hashes", ["bank_id"])
    op.create_index(op.f("ix_banked_hashes_value"), "banked_hashes", ["value"])
    op.create_table(
        "media_matches",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("bank_id", sa.String(length=40), nullable=False),
        sa.Column("banked_hash_id", sa.Integer(), nullable=False),
        sa.Column("signal_type", sa.String(length=10), nullable=False),
        sa.Column("distance", sa.Integer(), nullable=False),
        sa.Column("media_ref", sa.String(length=100), nullable=False),
        sa.Column("matched_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"],
            ["moderation_cases.id"],
            name=op.f("fk_media_matches_case_id_moderation_cases"),
        ),
        sa.ForeignKeyConstraint(
            ["bank_id"], ["hash_banks.id"], name=op.f("fk_media_matches_bank_id_hash_banks")
        ),
        sa.ForeignKeyConstraint(
            ["banked_hash_id"],
            ["banked_hashes.id"],
            name=op.f("fk_media_matches_banked_hash_id_banked_hashes"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_media_matches")),
    )
    op.create_index(op.f("ix_media_matches_case_id"), "media_matches", ["case_id"])
    with op.batch_alter_table("moderation_cases") as batch:
        batch.add_column(sa.Column("media_match", sa.String(length=100), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("moderation_cases") as batch:
        batch.drop_column("media_match")
    op.drop_index(op.f("ix_media_matches_case_id"), table_name="media_matches")
    op.drop_table("media_matches")
    op.drop_index(op.f("ix_banked_hashes_value"), table_name="banked_hashes")
    op.drop_index(op.f("ix_banked_hashes_bank_id"), table_name="banked_hashes")
    op.drop_table("banked_hashes")
    op.drop_table("hash_banks")
