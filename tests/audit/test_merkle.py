"""RFC 6962 Merkle hashing and proofs, checked against an independent naive implementation
written straight from the RFC's recursive definitions, and against the published roots of the
eight-entry test data used by Certificate Transparency implementations."""

from __future__ import annotations

import hashlib

import pytest

from lawline.audit import merkle

# -- a second, deliberately naive implementation: RFC 6962 section 2.1, word for word --------


def _h(data: bytes) -> bytes:
    return hashlib.sha256(data).digest()


def naive_mth(entries: list[bytes]) -> bytes:
    n = len(entries)
    if n == 0:
        return _h(b"")
    if n == 1:
        return _h(b"\x00" + entries[0])
    k = 1
    while k * 2 < n:
        k *= 2
    return _h(b"\x01" + naive_mth(entries[:k]) + naive_mth(entries[k:]))


def naive_path(m: int, entries: list[bytes]) -> list[bytes]:
    n = len(entries)
    if n == 1:
        return []
    k = 1
    while k * 2 < n:
        k *= 2
    if m < k:
        return [*naive_path(m, entries[:k]), naive_mth(entries[k:])]
    return [*naive_path(m - k, entries[k:]), naive_mth(entries[:k])]


def naive_subproof(m: int, entries: list[bytes], b: bool) -> list[bytes]:
    n = len(entries)
    if m == n:
        return [] if b else [naive_mth(entries)]
    k = 1
    while k * 2 < n:
        k *= 2
    if m <= k:
        return [*naive_subproof(m, entries[:k], b), naive_mth(entries[k:])]
    return [*naive_subproof(m - k, entries[k:], False), naive_mth(entries[:k])]


def naive_proof(m: int, entries: list[bytes]) -> list[bytes]:
    return naive_subproof(m, entries, True)


# -- published vectors -----------------------------------------------------------------------

CT_ENTRIES = [
    bytes.fromhex(h)
    for h in (
        "",
        "00",
        "10",
        "2021",
        "3031",
        "40414243",
        "5051525354555657",
        "606162636465666768696a6b6c6d6e6f",
    )
]
CT_ROOTS = [
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
    "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
    "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
    "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
    "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
    "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
    "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
    "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
    "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
]
CT_PATH_0_OF_8 = [
    "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
    "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
    "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4",
]


def leaves(entries: list[bytes]) -> list[bytes]:
    return [merkle.leaf_hash(e) for e in entries]


def entries_of(n: int) -> list[bytes]:
    return [f"entry-{i}".encode() for i in range(n)]


@pytest.mark.parametrize("n", range(9))
def test_roots_match_the_published_vectors(n: int) -> None:
    assert merkle.root(leaves(CT_ENTRIES[:n])).hex() == CT_ROOTS[n]
    assert naive_mth(CT_ENTRIES[:n]).hex() == CT_ROOTS[n]


def test_inclusion_path_matches_the_published_vector() -> None:
    path = merkle.inclusion_proof(leaves(CT_ENTRIES), 0)
    assert [p.hex() for p in path] == CT_PATH_0_OF_8


@pytest.mark.parametrize("n", range(1, 34))
def test_root_and_frontier_agree_with_the_naive_definition(n: int) -> None:
    entries = entries_of(n)
    assert merkle.root(leaves(entries)) == naive_mth(entries)
    frontier: list[bytes] = []
    for size, leaf in enumerate(leaves(entries)):
        frontier = merkle.frontier_append(frontier, size, leaf)
        assert merkle.frontier_root(frontier) == naive_mth(entries[: size + 1])
    assert len(frontier) == bin(n).count("1")


@pytest.mark.parametrize("n", range(1, 34))
def test_every_inclusion_proof_equals_path_and_verifies(n: int) -> None:
    entries = entries_of(n)
    hashes = leaves(entries)
    tree_root = naive_mth(entries)
    for m in range(n):
        proof = merkle.inclusion_proof(hashes, m)
        assert proof == naive_path(m, entries)
        assert merkle.verify_inclusion(hashes[m], m, n, proof, tree_root)


@pytest.mark.parametrize("n", range(1, 34))
def test_every_consistency_proof_equals_proof_and_verifies(n: int) -> None:
    entries = entries_of(n)
    hashes = leaves(entries)
    for m in range(1, n + 1):
        proof = merkle.consistency_proof(hashes, m)
        assert proof == naive_proof(m, entries)
        assert merkle.verify_consistency(m, n, naive_mth(entries[:m]), naive_mth(entries), proof)


def test_inclusion_fails_for_the_wrong_leaf_index_size_or_root() -> None:
    entries = entries_of(13)
    hashes = leaves(entries)
    tree_root = merkle.root(hashes)
    proof = merkle.inclusion_proof(hashes, 6)
    assert merkle.verify_inclusion(hashes[6], 6, 13, proof, tree_root)
    assert not merkle.verify_inclusion(hashes[7], 6, 13, proof, tree_root)  # wrong leaf
    assert not merkle.verify_inclusion(merkle.leaf_hash(b"forged"), 6, 13, proof, tree_root)
    assert not merkle.verify_inclusion(hashes[6], 5, 13, proof, tree_root)  # wrong index
    # a size whose tree shape differs at this leaf (13 and 14 share it: the signed head binds
    # the size to the root, which is why proofs are checked against signed heads)
    assert not merkle.verify_inclusion(hashes[6], 6, 7, proof, tree_root)
    assert not merkle.verify_inclusion(hashes[6], 6, 13, proof[:-1], tree_root)  # truncated
    assert not merkle.verify_inclusion(hashes[6], 6, 13, [*proof, proof[0]], tree_root)
    assert not merkle.verify_inclusion(hashes[6], 13, 13, proof, tree_root)  # out of range
    forked = merkle.root(leaves([*entries[:12], b"forked"]))
    assert not merkle.verify_inclusion(hashes[6], 6, 13, proof, forked)


def test_consistency_fails_against_a_forked_or_different_tree() -> None:
    entries = entries_of(20)
    hashes = leaves(entries)
    proof = merkle.consistency_proof(hashes, 7)
    old_root, new_root = merkle.root(hashes[:7]), merkle.root(hashes)
    assert merkle.verify_consistency(7, 20, old_root, new_root, proof)
    forked_old = merkle.root(leaves([*entries[:6], b"rewritten"]))
    assert not merkle.verify_consistency(7, 20, forked_old, new_root, proof)
    forked_new = merkle.root(leaves([*entries[:3], b"rewritten", *entries[4:]]))
    assert not merkle.verify_consistency(7, 20, old_root, forked_new, proof)
    assert not merkle.verify_consistency(8, 20, old_root, new_root, proof)
    assert not merkle.verify_consistency(7, 20, old_root, new_root, proof[1:])
    assert not merkle.verify_consistency(0, 20, old_root, new_root, proof)
    assert merkle.verify_consistency(20, 20, new_root, new_root, [])
    assert not merkle.verify_consistency(20, 20, old_root, new_root, [])


def test_proof_requests_outside_the_tree_are_refused() -> None:
    hashes = leaves(entries_of(4))
    with pytest.raises(ValueError, match="outside"):
        merkle.inclusion_proof(hashes, 4)
    with pytest.raises(ValueError, match="between"):
        merkle.consistency_proof(hashes, 0)
