"""Output: record files per furnisher (Parquet or JSONL, rolled into parts), subject tables.

Byte-identical for identical inputs: fixed writer options, no timestamps, stable order.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from credo.records.readers import FILE_SCHEMA
from credo.synth.frame import Part, cat, digits_text, money, quoted
from credo.synth.population import Population

RECORD_SCHEMA = FILE_SCHEMA  # what bulk intake reads
PARQUET_OPTIONS: dict[str, Any] = {
    "compression": "zstd",
    "compression_level": 3,
    "use_dictionary": True,
    "write_statistics": True,
    "version": "2.6",
}
ROW_GROUP = 262_144


def _constant(values: list[str | None], lengths: list[int]) -> pa.Array:
    """One value per part, repeated over its rows (via a dictionary, no Python loop)."""
    dictionary = sorted({v for v in values if v is not None})
    codes = np.repeat(
        np.array([dictionary.index(v) if v is not None else -1 for v in values], dtype=np.int32),
        lengths,
    )
    indices = pa.array(codes, mask=codes < 0)
    return pa.DictionaryArray.from_arrays(indices, pa.array(dictionary, pa.string())).cast(
        pa.string()
    )


def assemble(pop: Population, parts: list[Part], slug: str) -> pa.Table:
    """One furnisher's records about one chunk as a table of the envelope's columns."""
    parts = [p for p in parts if len(p)]
    lengths = [len(p) for p in parts]
    total = sum(lengths)
    subject = pa.array(np.concatenate([p.subject for p in parts]))
    amounts = [
        money(p.cents) if p.cents is not None else pa.nulls(len(p), pa.string()) for p in parts
    ]
    kind = "p" if pop.kind == "person" else "o"
    columns = {
        "external_id": cat(f"{slug}-{kind}{pop.chunk:04d}-", digits_text(np.arange(total), 8)),
        "category": _constant([p.category for p in parts], lengths),
        "subject_scheme": _constant([pop.scheme] * len(parts), lengths),
        "subject_id": pop.ids.take(subject),
        "subject_name": pop.names.take(subject),
        "occurred_on": pa.array(
            np.concatenate([p.day for p in parts]).astype("datetime64[D]"), pa.date32()
        ),
        "amount": pa.concat_arrays(amounts),
        "currency": _constant(["CNY" if p.cents is not None else None for p in parts], lengths),
        "legal_basis": _constant([p.legal_basis for p in parts], lengths),
        "fields": pa.concat_arrays([p.fields for p in parts]),
    }
    return pa.Table.from_pydict(columns, schema=RECORD_SCHEMA)


def jsonl_lines(table: pa.Table) -> bytes:
    """The table as JSONL envelopes (text assembled column-wise; values need no escaping)."""

    def literal(name: str) -> Any:
        return pc.fill_null(quoted(table[name].combine_chunks()), "null")

    line = cat(
        '{"external_id":',
        quoted(table["external_id"].combine_chunks()),
        ',"category":',
        quoted(table["category"].combine_chunks()),
        ',"subject":{"scheme":',
        quoted(table["subject_scheme"].combine_chunks()),
        ',"id":',
        quoted(table["subject_id"].combine_chunks()),
        ',"name":',
        quoted(table["subject_name"].combine_chunks()),
        '},"occurred_on":',
        quoted(table["occurred_on"].combine_chunks().cast(pa.string())),
        ',"amount":',
        literal("amount"),
        ',"currency":',
        literal("currency"),
        ',"legal_basis":',
        literal("legal_basis"),
        ',"fields":',
        table["fields"].combine_chunks(),
        "}\n",
    )
    offsets = np.frombuffer(line.buffers()[1], dtype=np.int32)[
        line.offset : line.offset + len(line) + 1
    ]
    data = line.buffers()[2]
    return data.to_pybytes()[offsets[0] : offsets[-1]] if data is not None else b""


class RecordSink:
    """A furnisher's record files: ``records/<slug>/part-00000.<ext>``, rolled at a row limit."""

    def __init__(self, root: Path, slug: str, fmt: str, rows_per_file: int) -> None:
        self.root, self.slug, self.fmt, self.limit = root, slug, fmt, rows_per_file
        self.files: list[str] = []
        self.rows = 0
        self._in_file = 0
        self._handle: Any = None

    def _open(self) -> None:
        folder = self.root / "records" / self.slug
        folder.mkdir(parents=True, exist_ok=True)
        name = f"records/{self.slug}/part-{len(self.files):05d}.{self.fmt}"
        self.files.append(name)
        path = self.root / name
        self._handle = (
            pq.ParquetWriter(path, RECORD_SCHEMA, **PARQUET_OPTIONS)
            if self.fmt == "parquet"
            else path.open("wb")
        )
        self._in_file = 0

    def _close_file(self) -> None:
        if self._handle is not None:
            self._handle.close()
            self._handle = None

    def write(self, table: pa.Table) -> None:
        start = 0
        while start < table.num_rows:
            if self._handle is None or self._in_file >= self.limit:
                self._close_file()
                self._open()
            take = min(self.limit - self._in_file, table.num_rows - start)
            piece = table.slice(start, take)
            if self.fmt == "parquet":
                self._handle.write_table(piece, row_group_size=ROW_GROUP)
            else:
                self._handle.write(jsonl_lines(piece))
            self._in_file += take
            self.rows += take
            start += take

    def close(self) -> None:
        self._close_file()


SUBJECT_SCHEMA = pa.schema(
    [
        ("scheme", pa.string()),
        ("id", pa.string()),
        ("name", pa.string()),
        ("kind", pa.string()),
        ("latent_risk", pa.float64()),
        ("latent_risk_after_cutoff", pa.float64()),
        ("first_record_month", pa.date32()),
        ("credit_active", pa.bool_()),
        ("defaulted_before_cutoff", pa.bool_()),
        ("default_in_window", pa.bool_()),
        ("first_default_in_window", pa.date32()),
        ("ring", pa.int64()),
        ("sybil_cluster", pa.int64()),
        ("inflated", pa.bool_()),
    ]
)
AUDIT_SCHEMA = pa.schema(
    [("scheme", pa.string()), ("id", pa.string()), ("age_band", pa.string()), ("sex", pa.string())]
)


def subjects_table(
    pop: Population, month_start: np.ndarray, ring_base: int, cluster_base: int
) -> pa.Table:
    """What was planted about each subject: latent risk, default label, manipulation roles."""
    n = len(pop)
    ring = np.where(pop.ring >= 0, pop.ring + ring_base, -1)
    sybil = np.where(pop.sybil >= 0, pop.sybil + cluster_base, -1)
    return pa.Table.from_pydict(
        {
            "scheme": pa.array([pop.scheme] * n, pa.string()),
            "id": pop.ids,
            "name": pop.names,
            "kind": pa.array([pop.kind] * n, pa.string()),
            "latent_risk": np.round(pop.z, 6),
            "latent_risk_after_cutoff": np.round(pop.z_post, 6),
            "first_record_month": pa.array(month_start, pa.date32()),
            "credit_active": pop.credit_active,
            "defaulted_before_cutoff": pop.default_before,
            "default_in_window": ~np.isnat(pop.window_default),
            "first_default_in_window": pa.array(pop.window_default, pa.date32()),
            "ring": pa.array(ring, mask=ring < 0),
            "sybil_cluster": pa.array(sybil, mask=sybil < 0),
            "inflated": pop.inflated,
        },
        schema=SUBJECT_SCHEMA,
    )


def audit_table(pop: Population, bands: np.ndarray) -> pa.Table:
    """Attributes held back from every record file: for fairness metrics only."""
    assert pop.sex is not None
    return pa.Table.from_pydict(
        {
            "scheme": pa.array([pop.scheme] * len(pop), pa.string()),
            "id": pop.ids,
            "age_band": pa.array(bands, pa.string()),
            "sex": pa.array(np.where(pop.sex == 1, "male", "female"), pa.string()),
        },
        schema=AUDIT_SCHEMA,
    )


class TableSink:
    """A single Parquet file written chunk by chunk."""

    def __init__(self, path: Path, schema: pa.Schema) -> None:
        self.writer = pq.ParquetWriter(path, schema, **PARQUET_OPTIONS)

    def write(self, table: pa.Table) -> None:
        self.writer.write_table(table, row_group_size=ROW_GROUP)

    def close(self) -> None:
        self.writer.close()
