"""case assignment and notes; authority portal sessions

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-23
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("moderation_cases") as batch_op:
        batch_op.add_column(sa.Column("assigned_to", sa.String(length=128), nullable=True))
        batch_op.create_index(
            batch_op.f("ix_moderation_cases_assigned_to"), ["assigned_to"], unique=False
        )
    op.create_table(
        "moderation_case_notes",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("author", sa.String(length=128), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"],
            ["moderation_cases.id"],
            name=op.f("fk_moderation_case_notes_case_id_moderation_cases"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_moderation_case_notes")),
    )
    with op.batch_alter_table("moderation_case_notes") as batch_op:
        batch_op.create_index(
            batch_op.f("ix_moderation_case_notes_case_id"), ["case_id"], unique=False
        )
    op.create_table(
        "authority_sessions",
        sa.Column("token_hash", sa.LargeBinary(length=32), nullable=False),
        sa.Column("authority_id", sa.String(length=40), nullable=False),
        sa.Column("key_id", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ended_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["authority_id"],
            ["authorities.id"],
            name=op.f("fk_authority_sessions_authority_id_authorities"),
        ),
        sa.PrimaryKeyConstraint("token_hash", name=op.f("pk_authority_sessions")),
    )
    with op.batch_alter_table("authority_sessions") as batch_op:
        batch_op.create_index(
            batch_op.f("ix_authority_sessions_authority_id"), ["authority_id"], unique=False
        )


def downgrade() -> None:
    op.drop_table("authority_sessions")
    op.drop_table("moderation_case_notes")
    with op.batch_alter_table("moderation_cases") as batch_op:
        batch_op.drop_index(batch_op.f("ix_moderation_cases_assigned_to"))
        batch_op.drop_column("assigned_to")
