"""Integrity figures: precision/recall on planted manipulation, and ring-detector speed.

    python bench/bench_integrity.py eval --persons 20000 [--dir DIR] [--years 3]
    python bench/bench_integrity.py rings --transfers 10000000 [--nodes 2000000]

``eval`` synthesises a population (or reuses DIR) and scores each detector against its
ground truth. ``rings`` builds a NumPy edge list with planted rings and times the ring
detector (pair flows in DuckDB, then components) against the bare igraph SCC call
(graph build plus ``connected_components(mode="strong")``) on the same edges, in one run.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path

import ibis
import igraph as ig
import numpy as np
import pyarrow as pa

from credo.batch import integrity_eval as evaluate
from credo.integrity.furnishers import FurnisherDetector
from credo.integrity.rings import RingDetector, pair_flows
from credo.integrity.sybils import SybilDetector


def run_eval(args: argparse.Namespace) -> None:
    folder = Path(args.dir or f"/tmp/credo-integrity-{args.persons}")
    if not (folder / "ground_truth.json").exists():
        started = time.perf_counter()
        subprocess.run(
            [
                str(Path(sys.executable).parent / "credo"),
                "synth",
                "--persons",
                str(args.persons),
                "--organisations",
                str(max(1, args.persons // 10)),
                "--years",
                str(args.years),
                "--seed",
                str(args.seed),
                "--out",
                str(folder),
            ],
            check=True,
            capture_output=True,
        )
        print(f"synth {args.persons} persons: {time.perf_counter() - started:.1f} s")
    inputs, ids = evaluate.synth_inputs(folder)
    truth = evaluate.truth(folder)
    for detector in (RingDetector(), SybilDetector(), FurnisherDetector()):
        started = time.perf_counter()
        flags = detector.detect(inputs)
        seconds = time.perf_counter() - started
        result = evaluate.score(flags, ids, truth[detector.name])
        print(
            json.dumps(
                {
                    "detector": detector.name,
                    "persons": args.persons,
                    "seconds": round(seconds, 2),
                    **{k: round(v, 4) if isinstance(v, float) else v for k, v in result.items()},
                }
            )
        )


def edges(transfers: int, nodes: int, rings: int, seed: int) -> pa.Table:
    """Random transfers (30 % paid back) plus rings of 3-12 circulating 6-15 rounds."""
    rng = np.random.default_rng(seed)
    base = transfers - rings * 7 * 10
    src = rng.integers(0, nodes, int(base / 1.3))
    dst = rng.integers(0, nodes, len(src))
    back = rng.random(len(src)) < 0.3
    src, dst = np.concatenate([src, dst[back]]), np.concatenate([dst, src[back]])
    amount = np.exp(rng.uniform(np.log(2_000), np.log(800_000), len(src))).astype(np.int64)
    members = rng.permutation(nodes)[: rings * 12]
    s, d, a = [src], [dst], [amount]
    for i in range(rings):
        k, rounds = int(rng.integers(3, 13)), int(rng.integers(6, 16))
        group = members[i * 12 : i * 12 + k]
        pos = np.tile(np.arange(k), rounds)
        s.append(group[pos])
        d.append(group[(pos + 1) % k])
        a.append(np.full(len(pos), int(rng.integers(200_000, 5_000_000))))
    src, dst, amount = np.concatenate(s), np.concatenate(d), np.concatenate(a)
    ok = src != dst
    return pa.table(
        {
            "src": src[ok],
            "dst": dst[ok],
            "amount": amount[ok],
            "side": pa.array(["out"] * int(ok.sum())),
        }
    )


def run_rings(args: argparse.Namespace) -> None:
    table = edges(args.transfers, args.nodes, args.rings, args.seed)
    src = table.column("src").to_numpy()
    dst = table.column("dst").to_numpy()
    print(f"{table.num_rows:,} transfers among {args.nodes:,} nodes, {args.rings} rings")

    started = time.perf_counter()
    edge_list = list(zip(src.tolist(), dst.tolist(), strict=True))
    graph = ig.Graph(n=args.nodes, edges=edge_list, directed=True)
    built = time.perf_counter()
    components = graph.connected_components(mode="strong")
    bare = time.perf_counter() - started
    del edge_list
    bare = time.perf_counter() - started
    print(
        f"bare igraph: build {built - started:.2f} s + SCC {bare - (built - started):.2f}"
        f" s = {bare:.2f} s ({len(components):,} components)"
    )
    del graph, components

    started = time.perf_counter()
    detector = RingDetector()
    flows = pair_flows(ibis.memtable(table)).to_pyarrow()
    aggregated = time.perf_counter()
    flags = detector.from_flows(flows)
    total = time.perf_counter() - started
    found = sum(1 for f in flags)
    print(
        f"ring detector: pair flows {aggregated - started:.2f} s + rings "
        f"{total - (aggregated - started):.2f} s = {total:.2f} s; {found} rings found of "
        f"{args.rings} planted"
    )
    print(f"ratio detector / bare SCC: {total / bare:.2f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    sub = parser.add_subparsers(dest="what", required=True)
    ev = sub.add_parser("eval")
    ev.add_argument("--persons", type=int, default=20_000)
    ev.add_argument("--years", type=int, default=3)
    ev.add_argument("--seed", type=int, default=0)
    ev.add_argument("--dir")
    rg = sub.add_parser("rings")
    rg.add_argument("--transfers", type=int, default=10_000_000)
    rg.add_argument("--nodes", type=int, default=2_000_000)
    rg.add_argument("--rings", type=int, default=800)
    rg.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    {"eval": run_eval, "rings": run_rings}[args.what](args)


if __name__ == "__main__":
    main()
