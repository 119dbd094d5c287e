"""Valid record files for the benchmarks: repayments of N persons with real-looking identifiers."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
from stdnum.cn import ric

REGIONS = ["110105", "310104", "440106", "510107", "330106", "320102", "420106", "610113"]


def person_ids(n: int, seed: int = 0) -> list[str]:
    """n distinct valid resident identity numbers."""
    rng = np.random.default_rng(seed)
    out: set[str] = set()
    while len(out) < n:
        region = REGIONS[int(rng.integers(len(REGIONS)))]
        born = np.datetime64("1950-01-01") + int(rng.integers(0, 365 * 50))
        seq = int(rng.integers(0, 1000))
        body = f"{region}{str(born).replace('-', '')}{seq:03d}"
        out.add(body + ric.calc_check_digit(body + "0"))  # it ignores the last char
    return sorted(out)


def write_repayments(path: Path, rows: int, persons: int = 100_000, seed: int = 0) -> Path:
    """A Parquet file of ``rows`` valid loan.repayment envelopes (DESIGN.md column layout)."""
    ids = person_ids(persons, seed)
    rng = np.random.default_rng(seed + 1)
    writer = None
    step = 200_000
    for start in range(0, rows, step):
        n = min(step, rows - start)
        who = rng.integers(0, persons, n)
        late = np.where(rng.random(n) < 0.9, 0, rng.integers(1, 120, n))
        day = rng.integers(0, 1500, n)
        dates = (np.datetime64("2022-01-01") + day).astype(str)
        table = pa.table(
            {
                "external_id": [f"bench-{start + i:09d}" for i in range(n)],
                "category": ["loan.repayment"] * n,
                "subject_scheme": ["cn_ric"] * n,
                "subject_id": [ids[w] for w in who],
                "occurred_on": dates.tolist(),
                "amount": [f"{a}.00" for a in rng.integers(100, 5000, n)],
                "currency": ["CNY"] * n,
                "fields": [
                    json.dumps({"loan_id": f"L{w}", "days_late": int(d)})
                    for w, d in zip(who, late, strict=True)
                ],
            }
        )
        if writer is None:
            writer = pq.ParquetWriter(path, table.schema)
        writer.write_table(table)
    assert writer is not None
    writer.close()
    return path
