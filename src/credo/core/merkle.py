"""RFC 6962 / RFC 9162 Merkle tree hashing, inclusion and consistency proofs (pure, no I/O).

Leaves are hashed as SHA-256(0x00 || bytes) and nodes as SHA-256(0x01 || left || right); a
tree of n leaves splits at the largest power of two smaller than n (RFC 6962 §2.1). Proofs
are generated with the RFC's recursive PATH and SUBPROOF definitions (§2.1.1, §2.1.2) and
checked with RFC 9162's iterative verification algorithms (§2.1.3.2, §2.1.4.2), so the two
halves are written independently and each tests the other.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

EMPTY_ROOT = hashlib.sha256(b"").digest()


def leaf_hash(data: bytes) -> bytes:
    """MTH of a one-leaf tree: SHA-256(0x00 || data)."""
    return hashlib.sha256(b"\x00" + data).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    """An interior node: SHA-256(0x01 || left || right)."""
    return hashlib.sha256(b"\x01" + left + right).digest()


def _split(n: int) -> int:
    """The largest power of two strictly smaller than n (n >= 2)."""
    return 1 << ((n - 1).bit_length() - 1)


def _root(leaves: Sequence[bytes], lo: int, hi: int) -> bytes:
    n = hi - lo
    if n == 1:
        return leaves[lo]
    k = _split(n)
    return node_hash(_root(leaves, lo, lo + k), _root(leaves, lo + k, hi))


def root(leaves: Sequence[bytes]) -> bytes:
    """The Merkle tree hash of a list of leaf hashes (the empty tree hashes to SHA-256(''))."""
    return _root(leaves, 0, len(leaves)) if leaves else EMPTY_ROOT


def _path(m: int, leaves: Sequence[bytes], lo: int, hi: int) -> list[bytes]:
    n = hi - lo
    if n == 1:
        return []
    k = _split(n)
    if m < k:
        return [*_path(m, leaves, lo, lo + k), _root(leaves, lo + k, hi)]
    return [*_path(m - k, leaves, lo + k, hi), _root(leaves, lo, lo + k)]


def inclusion_proof(index: int, leaves: Sequence[bytes]) -> list[bytes]:
    """PATH(index, D[n]): the audit path of leaf ``index`` (0-based) in the tree of ``leaves``."""
    if not 0 <= index < len(leaves):
        raise ValueError(f"leaf index {index} is outside a tree of {len(leaves)} leaves")
    return _path(index, leaves, 0, len(leaves))


def _subproof(m: int, leaves: Sequence[bytes], lo: int, hi: int, whole: bool) -> list[bytes]:
    n = hi - lo
    if m == n:
        return [] if whole else [_root(leaves, lo, hi)]
    k = _split(n)
    if m <= k:
        return [*_subproof(m, leaves, lo, lo + k, whole), _root(leaves, lo + k, hi)]
    return [*_subproof(m - k, leaves, lo + k, hi, False), _root(leaves, lo, lo + k)]


def consistency_proof(first: int, leaves: Sequence[bytes]) -> list[bytes]:
    """PROOF(first, D[n]): the tree of the first ``first`` leaves is a prefix of ``leaves``."""
    if not 0 < first <= len(leaves):
        raise ValueError(f"first size {first} must be between 1 and {len(leaves)}")
    return _subproof(first, leaves, 0, len(leaves), True)


def _to_odd(fn: int, sn: int) -> tuple[int, int]:
    """RFC 9162's inner step: shift both right until ``fn`` is odd or 0."""
    while not fn & 1 and fn != 0:
        fn, sn = fn >> 1, sn >> 1
    return fn, sn


def verify_inclusion(
    index: int, size: int, leaf: bytes, proof: Sequence[bytes], expected_root: bytes
) -> bool:
    """RFC 9162 §2.1.3.2: does ``proof`` place ``leaf`` at ``index`` under ``expected_root``?"""
    if not 0 <= index < size:
        return False
    fn, sn, r = index, size - 1, leaf
    for p in proof:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            r = node_hash(p, r)
            fn, sn = _to_odd(fn, sn)
        else:
            r = node_hash(r, p)
        fn, sn = fn >> 1, sn >> 1
    return sn == 0 and r == expected_root


def verify_consistency(
    first: int, second: int, first_root: bytes, second_root: bytes, proof: Sequence[bytes]
) -> bool:
    """RFC 9162 §2.1.4.2: is the tree of ``first`` leaves a prefix of the tree of ``second``?"""
    if not 0 < first <= second:
        return False
    if first == second:
        return not proof and first_root == second_root
    path = list(proof)
    if first & (first - 1) == 0:  # an exact power of two: the old root is a node of the new tree
        path.insert(0, first_root)
    if not path:
        return False
    fn, sn = first - 1, second - 1
    while fn & 1:
        fn, sn = fn >> 1, sn >> 1
    fr = sr = path[0]
    for c in path[1:]:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            fr, sr = node_hash(c, fr), node_hash(c, sr)
            fn, sn = _to_odd(fn, sn)
        else:
            sr = node_hash(sr, c)
        fn, sn = fn >> 1, sn >> 1
    return fr == first_root and sr == second_root and sn == 0
