"""authentication and limits: staff log-in state, trusted flagger keys, key retirement,
idempotency request hashes

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-23
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("staff_members") as batch_op:
        batch_op.add_column(sa.Column("last_totp_step", sa.BigInteger(), nullable=True))
        batch_op.add_column(
            sa.Column("failed_logins", sa.Integer(), nullable=False, server_default="0")
        )
        batch_op.add_column(sa.Column("locked_until", sa.DateTime(timezone=True), nullable=True))
    with op.batch_alter_table("authority_keys") as batch_op:
        batch_op.add_column(sa.Column("retires_at", sa.DateTime(timezone=True), nullable=True))
    with op.batch_alter_table("moderation_reports") as batch_op:
        batch_op.add_column(sa.Column("request_sha256", sa.String(length=64), nullable=True))
    op.create_table(
        "trusted_flagger_keys",
        sa.Column("id", sa.String(length=40), nullable=False),
        sa.Column("flagger_id", sa.String(length=40), nullable=False),
        sa.Column("key_hash", sa.LargeBinary(length=32), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["flagger_id"],
            ["trusted_flaggers.id"],
            name=op.f("fk_trusted_flagger_keys_flagger_id_trusted_flaggers"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_trusted_flagger_keys")),
        sa.UniqueConstraint("key_hash", name=op.f("uq_trusted_flagger_keys_key_hash")),
    )
    with op.batch_alter_table("trusted_flagger_keys") as batch_op:
        batch_op.create_index(
            batch_op.f("ix_trusted_flagger_keys_flagger_id"), ["flagger_id"], unique=False
        )


def downgrade() -> None:
    op.drop_table("trusted_flagger_keys")
    with op.batch_alter_table("moderation_reports") as batch_op:
        batch_op.drop_column("request_sha256")
    with op.batch_alter_table("authority_keys") as batch_op:
        batch_op.drop_column("retires_at")
    with op.batch_alter_table("staff_members") as batch_op:
        batch_op.drop_column("locked_until")
        batch_op.drop_column("failed_logins")
        batch_op.drop_column("last_totp_step")
