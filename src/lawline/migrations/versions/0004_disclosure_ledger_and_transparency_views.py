"""disclosure ledger and the transparency views

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-23

The views are the read contract of `lawline.transparency`: it reads these and nothing else of
the domains' tables, so a domain may change its tables freely as long as it keeps its view.
JSON fields are read with each backend's own operators; everything else is portable SQL.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

VIEWS = (
    "transparency_legal_requests",
    "transparency_decisions",
    "transparency_reports",
    "transparency_appeals",
)


def _json_text(column: str, path: str, sqlite: bool) -> str:
    """A JSON member as text: `path` is `0.code` or `ground` (array index, then keys)."""
    parts = path.split(".")
    if sqlite:
        json_path = "$" + "".join(f"[{p}]" if p.isdigit() else f".{p}" for p in parts)
        return f"json_extract({column}, '{json_path}')"
    chain = "".join(f" -> {p}" if p.isdigit() else f" -> '{p}'" for p in parts[:-1])
    last = parts[-1]
    return f"({column}{chain} ->> {last if last.isdigit() else repr(last)})"


def _views(sqlite: bool) -> list[str]:
    first_reason = _json_text("r.reasons", "0.code", sqlite)
    ground = _json_text("d.statement", "ground", sqlite)
    automated = (
        "CASE WHEN json_extract(d.statement, '$.automated_detection') THEN 1 ELSE 0 END"
        if sqlite
        else "CASE WHEN (d.statement ->> 'automated_detection') = 'true' THEN 1 ELSE 0 END"
    )
    return [
        f"""CREATE VIEW transparency_legal_requests AS
        SELECT r.id AS request_id, a.country AS country, r.request_type AS request_type,
               r.instrument_kind AS instrument_kind, r.offense AS offense, r.status AS status,
               r.received_at AS received_at,
               CASE WHEN r.status = 'rejected' THEN r.updated_at END AS rejected_at,
               CASE WHEN r.status = 'rejected'
                    THEN COALESCE(r.refusal_ground, {first_reason}, 'rejected_on_review')
               END AS reason_code,
               p.created_at AS disclosed_at, p.accounts AS accounts_disclosed,
               (SELECT count(*) FROM legal_request_targets t WHERE t.request_id = r.id)
                   AS targets_named,
               (SELECT min(h.created_at) FROM preservation_holds h WHERE h.request_id = r.id)
                   AS preserved_at
        FROM legal_requests r
        JOIN authorities a ON a.id = r.authority_id
        LEFT JOIN disclosure_packages p ON p.request_id = r.id""",  # noqa: S608 - fixed text, no input
        f"""CREATE VIEW transparency_decisions AS
        SELECT d.id AS decision_id, d.action AS action, d.category AS category,
               d.decided_at AS decided_at, c.first_report_at AS first_report_at,
               c.target_kind AS target_kind, {ground} AS ground,
               {automated} AS automated_detection, d.reversed_at AS reversed_at
        FROM moderation_decisions d
        JOIN moderation_cases c ON c.id = d.case_id""",  # noqa: S608 - fixed text, no input
        f"""CREATE VIEW transparency_reports AS
        SELECT rep.id AS report_id, rep.category AS category, rep.created_at AS created_at,
               CASE WHEN rep.trusted_flagger_id IS NOT NULL THEN 1 ELSE 0 END AS trusted,
               CASE WHEN c.triage_model IS NOT NULL THEN 1 ELSE 0 END AS automated,
               d.decided_at AS decided_at, d.action AS action, {ground} AS ground
        FROM moderation_reports rep
        JOIN moderation_cases c ON c.id = rep.case_id
        LEFT JOIN moderation_decisions d ON d.case_id = rep.case_id""",  # noqa: S608 - fixed text, no input
        """CREATE VIEW transparency_appeals AS
        SELECT a.id AS appeal_id, a.filed_at AS filed_at, a.status AS status,
               a.decided_at AS decided_at
        FROM moderation_appeals a""",
    ]


def upgrade() -> None:
    op.create_table(
        "disclosure_ledger",
        sa.Column("seq", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("quarter", sa.String(length=7), nullable=False),
        sa.Column("country", sa.String(length=2), nullable=False),
        sa.Column("request_type", sa.String(length=20), nullable=False),
        sa.Column("instrument_kind", sa.String(length=40), nullable=False),
        sa.Column("accounts", sa.Integer(), nullable=False),
        sa.Column("commitment", sa.String(length=64), nullable=False),
        sa.Column("leaf_hash", sa.LargeBinary(length=32), nullable=False),
        sa.Column("request_id", sa.String(length=40), nullable=False),
        sa.Column("salt", sa.LargeBinary(length=32), nullable=False),
        sa.Column("disclosed_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("seq", name=op.f("pk_disclosure_ledger")),
        sa.UniqueConstraint("request_id", name=op.f("uq_disclosure_ledger_request_id")),
    )
    with op.batch_alter_table("disclosure_ledger", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_disclosure_ledger_quarter"), ["quarter"])
    op.create_table(
        "disclosure_ledger_state",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("size", sa.BigInteger(), nullable=False),
        sa.Column("frontier", sa.JSON(), nullable=False),
        sa.Column("last_quarter", sa.String(length=7), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_disclosure_ledger_state")),
    )
    op.create_table(
        "disclosure_ledger_heads",
        sa.Column("size", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("root", sa.LargeBinary(length=32), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("key_id", sa.String(length=32), nullable=False),
        sa.Column("signature", sa.LargeBinary(length=64), nullable=False),
        sa.PrimaryKeyConstraint("size", name=op.f("pk_disclosure_ledger_heads")),
    )
    state = sa.table(
        "disclosure_ledger_state",
        sa.column("id"),
        sa.column("size"),
        sa.column("frontier", sa.JSON),
        sa.column("last_quarter"),
    )
    op.bulk_insert(state, [{"id": 1, "size": 0, "frontier": [], "last_quarter": None}])
    # Aggregations filter on these instants; the decisions and reports already have theirs.
    with op.batch_alter_table("disclosure_packages", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_disclosure_packages_created_at"), ["created_at"])
    with op.batch_alter_table("legal_requests", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_legal_requests_updated_at"), ["updated_at"])
    for statement in _views(op.get_bind().dialect.name == "sqlite"):
        op.execute(statement)


def downgrade() -> None:
    for view in reversed(VIEWS):
        op.execute(f"DROP VIEW {view}")
    with op.batch_alter_table("legal_requests", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_legal_requests_updated_at"))
    with op.batch_alter_table("disclosure_packages", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_disclosure_packages_created_at"))
    op.drop_table("disclosure_ledger_heads")
    op.drop_table("disclosure_ledger_state")
    op.drop_table("disclosure_ledger")
