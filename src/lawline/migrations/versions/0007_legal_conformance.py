"""legal conformance: IP purpose, Art. 4(5) validation, Art. 8 notification, user information,
Annex III notices

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-23
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # plain ADD COLUMN, not a batch (table copy): SQLite views read legal_requests (0004)
    columns: list[sa.Column[object]] = [
        sa.Column("ip_purpose", sa.String(length=20), nullable=True),
        sa.Column("validation_due_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("validation_state", sa.String(length=20), nullable=True),
        sa.Column("enforcing_state", sa.String(length=2), nullable=True),
        sa.Column("enforcing_notified", sa.Boolean(), nullable=False, server_default=sa.false()),
        sa.Column("release_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("enforcing_answer", sa.String(length=60), nullable=True),
        sa.Column("enforcing_answered_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("inform_user", sa.Boolean(), nullable=False, server_default=sa.false()),
        sa.Column("nondisclosure_reference", sa.String(length=200), nullable=True),
    ]
    for column in columns:
        op.add_column("legal_requests", column)
    op.create_index(
        op.f("ix_legal_requests_validation_due_at"),
        "legal_requests",
        ["validation_due_at"],
        unique=False,
    )
    op.create_table(
        "legal_issuer_notices",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("request_id", sa.String(length=40), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("explanation", sa.Text(), nullable=False),
        sa.Column("clarification", sa.Text(), nullable=True),
        sa.Column("preserved_until", sa.DateTime(timezone=True), nullable=True),
        sa.Column("form", sa.JSON(), nullable=False),
        sa.Column("issued_by", sa.String(length=128), nullable=False),
        sa.Column("issued_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["request_id"], ["legal_requests.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("legal_issuer_notices", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_legal_issuer_notices_request_id"), ["request_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("legal_issuer_notices", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_legal_issuer_notices_request_id"))
    op.drop_table("legal_issuer_notices")
    op.drop_index(op.f("ix_legal_requests_validation_due_at"), table_name="legal_requests")
    for column in (
        "nondisclosure_reference",
        "inform_user",
        "enforcing_answered_at",
        "enforcing_answer",
        "release_at",
        "enforcing_notified",
        "enforcing_state",
        "validation_state",
        "validation_due_at",
        "ip_purpose",
    ):
        op.drop_column("legal_requests", column)
