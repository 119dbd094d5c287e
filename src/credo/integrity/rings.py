"""Collusive rings: payment.transfer flows circulating in a small group with little flow out.

Pipeline: transfers become directed pair flows (count, volume) in the batch engine; pairs
with at least ``min_transfers`` transfers in the window ("recurring flows") form a graph
whose strongly connected components are ring candidates; a candidate of ``min_size`` to
``max_size`` members is a ring when it holds a cycle of three or more (not just pairs paying
each other back) and most of the volume touching its members stays inside it.
"""

from __future__ import annotations

from dataclasses import dataclass

import ibis
import ibis.expr.types as ir
import numpy as np
import pyarrow as pa

from credo.integrity import graph
from credo.integrity.flags import Flag, Flagging, Inputs, within

TRANSFER = "payment.transfer"


def _field(t: ir.Table, name: str) -> ir.StringValue:
    return t.fields.re_extract(f'"{name}":"([^"]*)"', 1).nullif("")


def transfers(inputs: Inputs, window_days: int) -> ir.Table:
    """Each transfer record as ``(src, dst, amount, side)`` with the counterparty's subject id."""
    r = inputs.records
    r = r.filter((r.category == TRANSFER) & within(r, inputs.as_of, window_days))
    r = r.mutate(
        cp_scheme=_field(r, "counterparty_scheme"),
        cp_key=_field(r, "counterparty_id"),
        side=_field(r, "direction"),
    )
    k = inputs.keys
    j = r.join(k, (r.cp_scheme == k.scheme) & (r.cp_key == k.lookup_key))
    out = j.side == "out"
    return j.select(
        src=ibis.ifelse(out, j.subject_id, j.subject_id_right).cast("int64"),
        dst=ibis.ifelse(out, j.subject_id_right, j.subject_id).cast("int64"),
        amount=j.amount_minor.fill_null(0).cast("int64"),
        side=j.side,
    )


def pair_flows(t: ir.Table) -> ir.Table:
    """Directed pair flows ``(src, dst, n, volume)``.

    A transfer reported by both sides (an ``out`` and an ``in`` record) counts once: each side
    is summed separately and the larger side is kept.
    """
    sides = t.group_by(["src", "dst", "side"]).aggregate(n=t.count(), volume=t.amount.sum())
    return sides.group_by(["src", "dst"]).aggregate(n=sides.n.max(), volume=sides.volume.max())


@dataclass(frozen=True)
class Ring:
    """A ring found in pair flows, with its evidence."""

    members: tuple[int, ...]
    internal_volume: int
    boundary_volume: int
    internal_transfers: int

    @property
    def internal_share(self) -> float:
        total = self.internal_volume + self.boundary_volume
        return self.internal_volume / total if total else 0.0


def _has_long_cycle(members: int, src: np.ndarray, dst: np.ndarray) -> bool:
    """Whether a strongly connected group has a cycle of length >= 3.

    Without one, every edge is paid back and the undirected edges form a tree (pairs
    paying each other back, e.g. a hub lending to friends).
    """
    pairs = set(zip(src.tolist(), dst.tolist(), strict=True))
    reciprocated = all((b, a) in pairs for a, b in pairs)
    undirected = {(min(a, b), max(a, b)) for a, b in pairs}
    return not (reciprocated and len(undirected) == members - 1)


def find_rings(
    src: np.ndarray,
    dst: np.ndarray,
    n: np.ndarray,
    volume: np.ndarray,
    *,
    min_transfers: int = 3,
    min_size: int = 3,
    max_size: int = 12,
    min_internal_share: float = 0.5,
) -> list[Ring]:
    """Rings among directed pair flows (one row per ``src -> dst`` pair)."""
    keep = (n >= min_transfers) & (src != dst)
    if not keep.any():
        return []
    nodes, s, d = graph.dense(src[keep], dst[keep])
    label = graph.strong_components(len(nodes), s, d)
    sizes = np.bincount(label)
    candidate = (sizes >= min_size) & (sizes <= max_size)
    if not candidate.any():
        return []

    # Component of every endpoint in the full flow list (-1 outside the recurring graph).
    def component(ids: np.ndarray) -> np.ndarray:
        at = np.clip(np.searchsorted(nodes, ids), 0, len(nodes) - 1)
        found = nodes[at] == ids
        out = np.where(found, label[at], -1)
        return np.where((out >= 0) & candidate[np.maximum(out, 0)], out, -1)

    cs, cd = component(src), component(dst)
    inside = (cs >= 0) & (cs == cd)
    volume = volume.astype(np.int64)
    k = len(sizes)
    internal = np.bincount(cs[inside], weights=volume[inside], minlength=k)
    transfers_in = np.bincount(cs[inside], weights=n[inside], minlength=k)
    leaving = (cs >= 0) & ~inside
    entering = (cd >= 0) & ~inside
    # as floats: bincount of nothing is integers even with weights ('+=' then failed: a ring
    # with no flow leaving it, as in a small registry)
    boundary = np.bincount(cs[leaving], weights=volume[leaving], minlength=k).astype(np.float64)
    boundary += np.bincount(cd[entering], weights=volume[entering], minlength=k)
    rings = []
    rec_s, rec_d = s, d
    for c in np.flatnonzero(candidate):
        total = internal[c] + boundary[c]
        if total <= 0 or internal[c] / total < min_internal_share:
            continue
        within = (label[rec_s] == c) & (label[rec_d] == c)
        if not _has_long_cycle(int(sizes[c]), rec_s[within], rec_d[within]):
            continue
        members = tuple(int(x) for x in np.sort(nodes[label == c]))
        rings.append(Ring(members, int(internal[c]), int(boundary[c]), int(transfers_in[c])))
    return rings


@dataclass(frozen=True)
class RingDetector(Flagging):
    """Collusive payment rings (see the module docstring for the rule)."""

    RULE = (
        "strongly connected group of {min_size}-{max_size} subjects joined by flows of "
        ">= {min_transfers} transfers, with a cycle of 3 or more and "
        ">= {min_internal_share:.0%} of their volume inside the group"
    )
    name: str = "ring"
    window_days: int = 730
    """Days of transfers read, ending on the as-of date."""
    min_transfers: int = 3
    """Transfers from one subject to another that make a recurring flow (an edge)."""
    min_size: int = 3
    max_size: int = 12
    """Smallest and largest groups that count as a ring."""
    min_internal_share: float = 0.5
    """Share of the volume touching the members that must stay inside the group."""

    def flows(self, inputs: Inputs) -> pa.Table:
        """The pair flows of the window, computed in the batch engine."""
        return pair_flows(transfers(inputs, self.window_days)).to_pyarrow()

    def detect(self, inputs: Inputs) -> list[Flag]:
        return self.from_flows(self.flows(inputs))

    def from_flows(self, flows: pa.Table) -> list[Flag]:
        """Flags from a pair-flow table ``(src, dst, n, volume)``."""
        if flows.num_rows == 0:
            return []
        col = {c: flows.column(c).to_numpy() for c in ("src", "dst", "n", "volume")}
        rings = find_rings(
            col["src"].astype(np.int64),
            col["dst"].astype(np.int64),
            col["n"].astype(np.int64),
            col["volume"].astype(np.int64),
            min_transfers=self.min_transfers,
            min_size=self.min_size,
            max_size=self.max_size,
            min_internal_share=self.min_internal_share,
        )
        return [
            self.flag(
                ring.members,
                round(ring.internal_share, 4),
                members=len(ring.members),
                internal_transfers=ring.internal_transfers,
                internal_volume_minor=ring.internal_volume,
                boundary_volume_minor=ring.boundary_volume,
                internal_share=round(ring.internal_share, 4),
                window_days=self.window_days,
            )
            for ring in rings
        ]
