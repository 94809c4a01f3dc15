"""Stored roots of complete subtrees: O(log n) inclusion and consistency proofs.

Every append that completes a perfect subtree (the merges of `merkle.frontier_append`) writes its
root here in the appending transaction, under the lock of the log's state row, so the rows are
written exactly once and in order. A proof is a handful of RFC 6962 node ranges
(`merkle.inclusion_ranges`, `merkle.consistency_ranges`); each range is a fold of at most log n
aligned perfect subtrees (`merkle.perfect_parts`), read here in two indexed queries: level 0
from the entries' own leaf hashes, the rest from this table.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import insert, select, union_all
from sqlalchemy.orm import Session

from lawline.audit import merkle
from lawline.audit.models import MerkleSubtree


def record(session: Session, tree: str, completed: Sequence[tuple[int, int, bytes]]) -> None:
    """Store the subtrees an append completed (from `merkle.frontier_append_nodes`)."""
    if completed:
        session.execute(
            insert(MerkleSubtree),
            [{"tree": tree, "level": lv, "idx": i, "hash": h} for lv, i, h in completed],
        )


def roots(
    session: Session,
    tree: str,
    leaf_column: Any,
    seq_column: Any,
    ranges: Sequence[tuple[int, int]],
) -> list[bytes]:
    """MTH of each RFC 6962 node range, read from the stored leaves and subtrees."""
    parts = {r: merkle.perfect_parts(*r) for r in ranges}
    wanted = {p for ps in parts.values() for p in ps}
    leaves = sorted(i for lv, i in wanted if lv == 0)
    inner = sorted((lv, i) for lv, i in wanted if lv > 0)
    found: dict[tuple[int, int], bytes] = {}
    if leaves:
        rows = session.execute(select(seq_column, leaf_column).where(seq_column.in_(leaves)))
        found.update({(0, int(seq)): bytes(h) for seq, h in rows})
    if inner:
        # One SELECT per level, joined by UNION ALL: each searches the whole primary key (an OR
        # of levels, or a row-value IN, makes SQLite scan the tree's rows).
        rows = session.execute(
            union_all(
                *(
                    select(MerkleSubtree.level, MerkleSubtree.idx, MerkleSubtree.hash).where(
                        MerkleSubtree.tree == tree,
                        MerkleSubtree.level == level,
                        MerkleSubtree.idx.in_(indexes),
                    )
                    for level, indexes in _by_level(inner).items()
                )
            )
        )
        found.update({(int(lv), int(i)): bytes(h) for lv, i, h in rows})
    missing = wanted - found.keys()
    if missing:
        raise RuntimeError(f"{tree} log: {len(missing)} stored subtree roots missing")
    return [merkle.frontier_root([found[p] for p in parts[r]]) for r in ranges]


def _by_level(nodes: list[tuple[int, int]]) -> dict[int, list[int]]:
    grouped: dict[int, list[int]] = {}
    for level, index in nodes:
        grouped.setdefault(level, []).append(index)
    return grouped
