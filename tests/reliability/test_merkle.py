"""RFC 6962 Merkle tree: known answers, and proofs checked against a reference written from the RFC.

The reference below works on the raw data with list slicing, exactly as RFC 6962 §2.1 states
MTH, PATH and PROOF; ``credo.core.merkle`` works on leaf hashes with index ranges and checks
proofs with RFC 9162's iterative algorithms. The published vectors are the empty-tree hash
and the roots of the Certificate Transparency test leaves (certificate-transparency and
Trillian merkle test data).
"""

from __future__ import annotations

import hashlib
import random

import pytest

from credo.core import merkle

# Certificate Transparency's test leaves and the tree heads it publishes for them.
CT_LEAVES = [
    b"",
    b"\x00",
    b"\x10",
    b"\x20\x21",
    b"\x30\x31",
    b"\x40\x41\x42\x43",
    bytes(range(0x50, 0x58)),
    bytes(range(0x60, 0x70)),
]
CT_ROOTS = [
    "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
    "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
    "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
    "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
    "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
    "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
    "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
    "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
]
EMPTY = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"


# --- reference, transcribed from RFC 6962 §2.1 -------------------------------------------------


def ref_k(n: int) -> int:
    k = 1
    while k * 2 < n:
        k *= 2
    return k


def ref_mth(d: list[bytes]) -> bytes:
    n = len(d)
    if n == 0:
        return hashlib.sha256(b"").digest()
    if n == 1:
        return hashlib.sha256(b"\x00" + d[0]).digest()
    k = ref_k(n)
    return hashlib.sha256(b"\x01" + ref_mth(d[:k]) + ref_mth(d[k:])).digest()


def ref_path(m: int, d: list[bytes]) -> list[bytes]:
    n = len(d)
    if n == 1:
        return []
    k = ref_k(n)
    if m < k:
        return [*ref_path(m, d[:k]), ref_mth(d[k:])]
    return [*ref_path(m - k, d[k:]), ref_mth(d[:k])]


def ref_subproof(m: int, d: list[bytes], b: bool) -> list[bytes]:
    n = len(d)
    if m == n:
        return [] if b else [ref_mth(d)]
    k = ref_k(n)
    if m <= k:
        return [*ref_subproof(m, d[:k], b), ref_mth(d[k:])]
    return [*ref_subproof(m - k, d[k:], False), ref_mth(d[:k])]


# --- tests ------------------------------------------------------------------------------------


def leaves_of(data: list[bytes]) -> list[bytes]:
    return [merkle.leaf_hash(x) for x in data]


def test_published_vectors() -> None:
    assert merkle.root([]).hex() == EMPTY
    hashes = leaves_of(CT_LEAVES)
    for n, expected in enumerate(CT_ROOTS, start=1):
        assert merkle.root(hashes[:n]).hex() == expected
        assert ref_mth(CT_LEAVES[:n]).hex() == expected


def test_roots_match_reference_for_sizes_1_to_1024() -> None:
    data = [i.to_bytes(4, "big") + b"credo" * (i % 3) for i in range(1024)]
    hashes = leaves_of(data)
    # The reference is quadratic-ish; build roots of every prefix from it incrementally.
    for n in range(1, 1025):
        assert merkle.root(hashes[:n]) == ref_mth(data[:n]), n


@pytest.mark.parametrize("n", [*range(1, 66), 127, 128, 129, 255, 256, 257, 1000, 1023, 1024])
def test_every_inclusion_proof_matches_reference_and_verifies(n: int) -> None:
    data = [f"leaf-{i}".encode() for i in range(n)]
    hashes = leaves_of(data)
    root = merkle.root(hashes)
    indices = range(n) if n <= 256 else random.Random(n).sample(range(n), 64)
    for m in indices:
        proof = merkle.inclusion_proof(m, hashes)
        assert proof == ref_path(m, data)
        assert merkle.verify_inclusion(m, n, hashes[m], proof, root)
        assert not merkle.verify_inclusion(m, n, merkle.leaf_hash(b"other"), proof, root)
        if proof:
            bad = [*proof[:-1], bytes(32)]
            assert not merkle.verify_inclusion(m, n, hashes[m], bad, root)


@pytest.mark.parametrize("n", [*range(1, 66), 127, 128, 129, 255, 256, 257, 1000, 1023, 1024])
def test_every_consistency_proof_matches_reference_and_verifies(n: int) -> None:
    data = [f"leaf-{i}".encode() for i in range(n)]
    hashes = leaves_of(data)
    root = merkle.root(hashes)
    firsts = range(1, n + 1) if n <= 256 else random.Random(n).sample(range(1, n + 1), 64)
    for m in firsts:
        proof = merkle.consistency_proof(m, hashes)
        assert proof == ref_subproof(m, data, True)
        old = merkle.root(hashes[:m])
        assert merkle.verify_consistency(m, n, old, root, proof)
        if m < n:
            assert not merkle.verify_consistency(m, n, merkle.leaf_hash(b"x"), root, proof)
            assert not merkle.verify_consistency(m, n, old, merkle.leaf_hash(b"x"), proof)
            assert not merkle.verify_consistency(m, n, old, root, proof[:-1])


def test_bad_arguments_are_refused() -> None:
    hashes = leaves_of([b"a", b"b", b"c"])
    with pytest.raises(ValueError):
        merkle.inclusion_proof(3, hashes)
    with pytest.raises(ValueError):
        merkle.consistency_proof(0, hashes)
    assert not merkle.verify_inclusion(5, 3, hashes[0], [], merkle.root(hashes))
    assert not merkle.verify_consistency(3, 2, b"", b"", [])
