"""merkle_subtrees: stored roots of complete subtrees, for O(log n) proofs

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-23

Backfills both existing logs (the audit log and the disclosure ledger) from their stored leaf
hashes, in seq order, exactly as `lawline.audit.merkle.frontier_append_nodes` would have written
them at append time. Self-contained on purpose: a migration never imports application code.
"""

import hashlib
from collections.abc import Iterator, Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BATCH = 10_000


def upgrade() -> None:
    op.create_table(
        "merkle_subtrees",
        sa.Column("tree", sa.String(length=16), nullable=False),
        sa.Column("level", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("idx", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("hash", sa.LargeBinary(length=32), nullable=False),
        sa.PrimaryKeyConstraint("tree", "level", "idx", name=op.f("pk_merkle_subtrees")),
    )
    table = sa.table(
        "merkle_subtrees",
        sa.column("tree", sa.String),
        sa.column("level", sa.Integer),
        sa.column("idx", sa.BigInteger),
        sa.column("hash", sa.LargeBinary),
    )
    bind = op.get_bind()
    for tree, leaves in (("audit", "audit_entries"), ("ledger", "disclosure_ledger")):
        batch: list[dict[str, object]] = []
        for level, idx, digest in _completed(bind, leaves):
            batch.append({"tree": tree, "level": level, "idx": idx, "hash": digest})
            if len(batch) == BATCH:
                bind.execute(sa.insert(table), batch)
                batch = []
        if batch:
            bind.execute(sa.insert(table), batch)


def _completed(bind: sa.Connection, leaves: str) -> Iterator[tuple[int, int, bytes]]:
    """Every complete perfect subtree (level >= 1) over the stored leaf hashes, in seq order."""
    frontier: list[bytes] = []
    rows = bind.execute(sa.text(f"SELECT leaf_hash FROM {leaves} ORDER BY seq"))  # noqa: S608
    for size, (leaf,) in enumerate(rows):
        value, n, level = bytes(leaf), size, 0
        while n & 1:
            value = hashlib.sha256(b"\x01" + frontier.pop() + value).digest()
            n >>= 1
            level += 1
            yield level, ((size + 1) >> level) - 1, value
        frontier.append(value)


def downgrade() -> None:
    op.drop_table("merkle_subtrees")
