"""Sybil clusters: fresh subjects (first record recent) sharing identity details.

Two fresh subjects are linked when their identity verifications share at least
``min_shared_kinds`` of the phone, address and device hashes; a connected group of at least
``min_members`` linked fresh subjects is a cluster. Old subjects sharing an address (a
family) and two fresh subjects sharing one (a couple) are not.
"""

from __future__ import annotations

from dataclasses import dataclass

import ibis
import ibis.expr.types as ir
import numpy as np

from credo.integrity import graph
from credo.integrity.flags import Flag, Flagging, Inputs, days_before

KINDS = ("phone_hash", "address_hash", "device_hash")


def shared_pairs(
    inputs: Inputs, *, fresh_days: int, max_group: int, min_shared_kinds: int
) -> ir.Table:
    """Pairs ``(a, b, kinds)`` of fresh subjects sharing ``kinds`` identity details (a < b)."""
    r = inputs.records
    r = r.filter(r.occurred_on <= ibis.literal(inputs.as_of))  # nothing after the as-of day
    first = r.group_by("subject_id").aggregate(first_seen=r.occurred_on.min())
    fresh = first.filter(first.first_seen >= days_before(inputs.as_of, fresh_days))
    ids = r.filter(r.category == "identity.verification")
    parts = [
        ids.select(
            subject_id=ids.subject_id,
            kind=ibis.literal(kind),
            value=ids.fields.re_extract(f'"{kind}":"([^"]*)"', 1).nullif(""),
        )
        for kind in KINDS
    ]
    details = ibis.union(*parts, distinct=True)
    details = details.filter(details.value.notnull())
    details = details.semi_join(fresh, "subject_id")
    groups = details.group_by(["kind", "value"]).aggregate(n=details.subject_id.nunique())
    groups = groups.filter((groups.n >= 2) & (groups.n <= max_group))
    shared = details.semi_join(groups, ["kind", "value"])
    left = shared.rename(a="subject_id")
    right = shared.rename(b="subject_id")
    pairs = left.join(right, ["kind", "value"]).filter(lambda t: t.a < t.b)
    pairs = pairs.group_by(["a", "b"]).aggregate(kinds=pairs.kind.nunique())
    return pairs.filter(pairs.kinds >= min_shared_kinds)


@dataclass(frozen=True)
class SybilDetector(Flagging):
    """Clusters of fresh accounts sharing identity details (see the module docstring)."""

    RULE = (
        "{min_members}+ subjects whose first record is within {fresh_days} days, "
        "linked by sharing >= {min_shared_kinds} of phone, address and device hashes"
    )
    name: str = "sybil"
    fresh_days: int = 240
    """A subject is fresh when its first record is at most this many days old."""
    min_shared_kinds: int = 2
    """Identity details (of phone, address, device) two fresh subjects share to be linked."""
    min_members: int = 3
    """Linked fresh subjects that make a cluster."""
    max_group: int = 500
    """A detail shared by more subjects is ignored (a shop's address, a shared phone line)."""

    def detect(self, inputs: Inputs) -> list[Flag]:
        pairs = shared_pairs(
            inputs,
            fresh_days=self.fresh_days,
            max_group=self.max_group,
            min_shared_kinds=self.min_shared_kinds,
        ).to_pyarrow()
        if pairs.num_rows == 0:
            return []
        a = pairs.column("a").to_numpy().astype(np.int64)
        b = pairs.column("b").to_numpy().astype(np.int64)
        kinds = pairs.column("kinds").to_numpy()
        return self.from_pairs(a, b, kinds)

    def from_pairs(self, a: np.ndarray, b: np.ndarray, kinds: np.ndarray) -> list[Flag]:
        """Flags from linked pairs of fresh subjects."""
        nodes, ia, ib = graph.dense(a, b)
        label = graph.weak_components(len(nodes), ia, ib)
        sizes = np.bincount(label)
        flags = []
        for c in np.flatnonzero(sizes >= self.min_members):
            members = tuple(int(x) for x in np.sort(nodes[label == c]))
            links = label[ia] == c
            flags.append(
                self.flag(
                    members,
                    float(len(members)),
                    members=len(members),
                    links=int(links.sum()),
                    max_shared_kinds=int(kinds[links].max()),
                    fresh_days=self.fresh_days,
                )
            )
        return flags
