"""Merkle tree hashing and proofs as defined in RFC 6962 section 2.1 (restated in RFC 9162 2.1).

Pure functions over leaf hashes; no storage. Trees are built over *leaf hashes*
(SHA-256(0x00 || entry)); interior nodes are SHA-256(0x01 || left || right). The verification
functions follow RFC 9162 sections 2.1.3.2 and 2.1.4.2 and need nothing but the proof.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

EMPTY_ROOT = hashlib.sha256(b"").digest()


def leaf_hash(entry: bytes) -> bytes:
    return hashlib.sha256(b"\x00" + entry).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    return hashlib.sha256(b"\x01" + left + right).digest()


def _split(n: int) -> int:
    """The largest power of two strictly smaller than n (n >= 2)."""
    return 1 << ((n - 1).bit_length() - 1)


def root(leaves: Sequence[bytes]) -> bytes:
    """MTH over the given leaf hashes."""
    return _subtree_root(leaves, 0, len(leaves)) if leaves else EMPTY_ROOT


def _subtree_root(leaves: Sequence[bytes], start: int, end: int) -> bytes:
    # Iterative over perfect subtrees: fold the left-to-right list of perfect subtree roots.
    return frontier_root(_frontier(leaves, start, end))


def _frontier(leaves: Sequence[bytes], start: int, end: int) -> list[bytes]:
    stack: list[tuple[int, bytes]] = []  # (height, hash)
    for i in range(start, end):
        height, value = 0, leaves[i]
        while stack and stack[-1][0] == height:
            value = node_hash(stack.pop()[1], value)
            height += 1
        stack.append((height, value))
    return [value for _, value in stack]


def frontier_append(frontier: list[bytes], size: int, new_leaf: bytes) -> list[bytes]:
    """Add one leaf hash to the compact range of a tree of `size` leaves; return the new range.

    The compact range holds one hash per set bit of `size`, largest subtree first, so the root
    of any size is computable in O(log n) without reading the log.
    """
    result = list(frontier)
    value, n = new_leaf, size
    while n & 1:
        value = node_hash(result.pop(), value)
        n >>= 1
    result.append(value)
    return result


def frontier_root(frontier: Sequence[bytes]) -> bytes:
    if not frontier:
        return EMPTY_ROOT
    value = frontier[-1]
    for left in reversed(frontier[:-1]):
        value = node_hash(left, value)
    return value


def frontier_append_nodes(
    frontier: list[bytes], size: int, new_leaf: bytes
) -> tuple[list[bytes], list[tuple[int, int, bytes]]]:
    """`frontier_append`, also returning the perfect subtrees it completed, as
    (level, index, hash): the subtree of leaves [index * 2**level, (index + 1) * 2**level)."""
    result = list(frontier)
    completed: list[tuple[int, int, bytes]] = []
    value, n, level = new_leaf, size, 0
    while n & 1:
        value = node_hash(result.pop(), value)
        n >>= 1
        level += 1
        completed.append((level, ((size + 1) >> level) - 1, value))
    result.append(value)
    return result, completed


def perfect_parts(start: int, end: int) -> list[tuple[int, int]]:
    """The perfect subtrees, largest first, whose fold is MTH(D[start:end]) for a node
    [start, end) of an RFC 6962 tree, as (level, index).

    In such a node `start` is a multiple of a power of two at least as large as the node, so
    the parts are the set bits of its size, each aligned to its own size.
    """
    if start & ((1 << (end - start - 1).bit_length()) - 1):
        raise ValueError("not a node of an RFC 6962 tree")
    parts: list[tuple[int, int]] = []
    while start < end:
        level = (end - start).bit_length() - 1
        parts.append((level, start >> level))
        start += 1 << level
    return parts


def inclusion_ranges(index: int, size: int) -> list[tuple[int, int]]:
    """The leaf ranges whose roots make PATH(index, D[size]), in proof order."""
    if not 0 <= index < size:
        raise ValueError("leaf index outside the tree")
    ranges: list[tuple[int, int]] = []
    start, end, m = 0, size, index
    while end - start > 1:
        k = _split(end - start)
        if m < k:
            ranges.append((start + k, end))
            end = start + k
        else:
            ranges.append((start, start + k))
            start, m = start + k, m - k
    ranges.reverse()  # PATH lists siblings from the leaf upwards
    return ranges


def consistency_ranges(old_size: int, new_size: int) -> list[tuple[int, int]]:
    """The leaf ranges whose roots make PROOF(old_size, D[new_size]), in proof order."""
    if not 0 < old_size <= new_size:
        raise ValueError("old tree size must be between 1 and the new size")
    ranges: list[tuple[int, int]] = []
    start, end, m, complete = 0, new_size, old_size, True
    while True:
        size = end - start
        if m == size:
            if not complete:
                ranges.append((start, end))
            break
        k = _split(size)
        if m <= k:
            ranges.append((start + k, end))
            end = start + k
        else:
            ranges.append((start, start + k))
            start, m, complete = start + k, m - k, False
    ranges.reverse()
    return ranges


def inclusion_proof(leaves: Sequence[bytes], index: int) -> list[bytes]:
    """PATH(m, D[n]) for m = index over the first n = len(leaves) leaf hashes."""
    return [_subtree_root(leaves, a, b) for a, b in inclusion_ranges(index, len(leaves))]


def consistency_proof(leaves: Sequence[bytes], old_size: int) -> list[bytes]:
    """PROOF(m, D[n]) for m = old_size and n = len(leaves), 0 < m <= n."""
    return [_subtree_root(leaves, a, b) for a, b in consistency_ranges(old_size, len(leaves))]


def verify_inclusion(
    leaf: bytes, index: int, tree_size: int, proof: Sequence[bytes], expected_root: bytes
) -> bool:
    """RFC 9162 2.1.3.2: does `proof` put leaf hash `leaf` at `index` under `expected_root`?"""
    if not 0 <= index < tree_size:
        return False
    fn, sn, r = index, tree_size - 1, leaf
    for p in proof:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            r = node_hash(p, r)
            while not fn & 1 and fn != 0:
                fn >>= 1
                sn >>= 1
        else:
            r = node_hash(r, p)
        fn >>= 1
        sn >>= 1
    return sn == 0 and r == expected_root


def verify_consistency(
    old_size: int, new_size: int, old_root: bytes, new_root: bytes, proof: Sequence[bytes]
) -> bool:
    """RFC 9162 2.1.4.2: is the tree of `new_root` an append-only extension of `old_root`?"""
    if not 0 < old_size <= new_size:
        return False
    if old_size == new_size:
        return not proof and old_root == new_root
    path = list(proof)
    if old_size & (old_size - 1) == 0:  # an exact power of two: the old root is the first node
        path.insert(0, old_root)
    if not path:
        return False
    fn, sn = old_size - 1, new_size - 1
    while fn & 1:
        fn >>= 1
        sn >>= 1
    fr = sr = path[0]
    for c in path[1:]:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            fr = node_hash(c, fr)
            sr = node_hash(c, sr)
            while not fn & 1 and fn != 0:
                fn >>= 1
                sn >>= 1
        else:
            sr = node_hash(sr, c)
        fn >>= 1
        sn >>= 1
    return fr == old_root and sr == new_root and sn == 0
