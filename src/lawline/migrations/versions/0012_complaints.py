"""notifiers' complaints (DSA Art. 20(1)), report receipts, superseded decisions

Revision ID: 0012
Revises: 0011
Create Date: 2026-11-23

A complaint counts with the owners' appeals in `transparency_appeals` (an upheld one as a
reversal). A case decided anew after an upheld complaint has two decisions: its reports join
only the one not superseded, so each report stays one row of `transparency_reports`.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _reports_view(sqlite: bool, decisions: str) -> str:
    ground = "json_extract(d.statement, '$.ground')" if sqlite else "(d.statement ->> 'ground')"
    return f"""CREATE VIEW transparency_reports AS
        SELECT rep.id AS report_id, rep.category AS category, rep.created_at AS created_at,
               CASE WHEN rep.trusted_flagger_id IS NOT NULL THEN 1 ELSE 0 END AS trusted,
               CASE WHEN c.triage_model IS NOT NULL THEN 1 ELSE 0 END AS automated,
               d.decided_at AS decided_at, d.action AS action, {ground} AS ground
        FROM moderation_reports rep
        JOIN moderation_cases c ON c.id = rep.case_id
        LEFT JOIN moderation_decisions d ON d.case_id = rep.case_id{decisions}"""  # noqa: S608


APPEALS_ONLY = """CREATE VIEW transparency_appeals AS
        SELECT a.id AS appeal_id, a.filed_at AS filed_at, a.status AS status,
               a.decided_at AS decided_at
        FROM moderation_appeals a"""

WITH_COMPLAINTS = (
    APPEALS_ONLY  # noqa: S608 - fixed text, no input
    + """
        UNION ALL
        SELECT k.id AS appeal_id, k.filed_at AS filed_at,
               CASE WHEN k.status = 'upheld' THEN 'reversed' ELSE k.status END AS status,
               k.decided_at AS decided_at
        FROM moderation_complaints k"""
)


def upgrade() -> None:
    sqlite = op.get_bind().dialect.name == "sqlite"
    op.execute("DROP VIEW transparency_appeals")
    op.execute("DROP VIEW transparency_reports")
    op.add_column("moderation_reports", sa.Column("receipt_sha256", sa.LargeBinary(length=32)))
    op.add_column("moderation_decisions", sa.Column("superseded_at", sa.DateTime(timezone=True)))
    op.create_table(
        "moderation_complaints",
        sa.Column("id", sa.String(length=40), nullable=False),
        sa.Column("decision_id", sa.String(length=40), nullable=False),
        sa.Column("report_id", sa.String(length=40), nullable=False),
        sa.Column("complainant_id", sa.String(length=128), nullable=False),
        sa.Column("grounds", sa.Text(), nullable=False),
        sa.Column("filed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("decided_by", sa.String(length=128), nullable=True),
        sa.Column("answer", sa.Text(), nullable=True),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["decision_id"],
            ["moderation_decisions.id"],
            name=op.f("fk_moderation_complaints_decision_id_moderation_decisions"),
        ),
        sa.ForeignKeyConstraint(
            ["report_id"],
            ["moderation_reports.id"],
            name=op.f("fk_moderation_complaints_report_id_moderation_reports"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_moderation_complaints")),
        sa.UniqueConstraint(
            "decision_id",
            "complainant_id",
            name=op.f("uq_moderation_complaints_decision_id"),
        ),
    )
    op.create_index(
        op.f("ix_moderation_complaints_decision_id"), "moderation_complaints", ["decision_id"]
    )
    op.execute(_reports_view(sqlite, " AND d.superseded_at IS NULL"))
    op.execute(WITH_COMPLAINTS)


def downgrade() -> None:
    sqlite = op.get_bind().dialect.name == "sqlite"
    op.execute("DROP VIEW transparency_appeals")
    op.execute("DROP VIEW transparency_reports")
    op.drop_index(op.f("ix_moderation_complaints_decision_id"), table_name="moderation_complaints")
    op.drop_table("moderation_complaints")
    # ALTER TABLE ... DROP COLUMN in place: a batch copy of these tables would trip the foreign
    # keys that point at them on SQLite
    op.drop_column("moderation_decisions", "superseded_at")
    op.drop_column("moderation_reports", "receipt_sha256")
    op.execute(_reports_view(sqlite, ""))
    op.execute(APPEALS_ONLY)
