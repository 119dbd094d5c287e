"""Columnar building blocks: Arrow string assembly, JSON field objects and record parts.

Generators never loop over rows in Python: they compute NumPy arrays and assemble
text (identifiers, amounts, the ``fields`` JSON) with Arrow's element-wise kernels.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc


def _arrow(part: Any) -> Any:
    if isinstance(part, pa.Array | pa.ChunkedArray):
        return part
    if isinstance(part, np.ndarray):
        return pa.array(part)
    return pa.scalar(str(part), pa.string())


def cat(*parts: Any) -> pa.Array:
    """Element-wise concatenation of string arrays and constants."""
    arrays = [_arrow(p) for p in parts]
    if not any(isinstance(a, pa.Array | pa.ChunkedArray) for a in arrays):
        raise ValueError("cat needs at least one array")
    out = pc.binary_join_element_wise(*arrays, "")
    return out.combine_chunks() if isinstance(out, pa.ChunkedArray) else out


def text(values: np.ndarray) -> pa.Array:
    """Integers (or booleans) as their decimal text."""
    return pa.array(values).cast(pa.string())


def digits_text(values: np.ndarray, width: int) -> pa.Array:
    """Non-negative integers as zero-padded text of a fixed width."""
    return pc.utf8_lpad(text(np.asarray(values, dtype=np.int64)), width=width, padding="0")


def pick(choices: np.ndarray, index: np.ndarray) -> pa.Array:
    """choices[index] as an Arrow string array."""
    return pa.array(np.asarray(choices)[index])


def yyyymmdd(days: np.ndarray) -> np.ndarray:
    """datetime64[D] values as integers YYYYMMDD."""
    years = days.astype("datetime64[Y]")
    months = days.astype("datetime64[M]")
    year = years.astype(np.int64) + 1970
    month = (months - years.astype("datetime64[M]")).astype(np.int64) + 1
    day = (days - months.astype("datetime64[D]")).astype(np.int64) + 1
    return year * 10000 + month * 100 + day


def iso(days: np.ndarray) -> pa.Array:
    """datetime64[D] (or int days since 1970) as ISO date text."""
    return pa.array(np.asarray(days).astype("datetime64[D]")).cast(pa.string())


def money(cents: np.ndarray) -> pa.Array:
    """Amounts in cents as decimal text with two places ("1200.00")."""
    cents = np.asarray(cents, dtype=np.int64)
    return cat(text(cents // 100), ".", digits_text(cents % 100, 2))


def quoted(values: Any) -> Any:
    """A JSON string literal (values never contain quotes or backslashes)."""
    if isinstance(values, str):
        return '"' + values + '"'
    return cat('"', values, '"')


def json_object(items: list[tuple[str, Any, bool]]) -> pa.Array:
    """A JSON object per row from (key, text or constant, quote it) items.

    A null text becomes JSON ``null`` (the validator treats it as absent).
    """
    parts: list[Any] = []
    for number, (key, value, quote) in enumerate(items):
        parts.append(("{" if number == 0 else ",") + f'"{key}":')
        item = quoted(value) if quote else value
        if isinstance(item, pa.Array) and item.null_count:
            item = pc.fill_null(item, "null")
        parts.append(item)
    parts.append("}")
    merged: list[Any] = []
    for part in parts:  # fold adjacent constants so the kernel sees fewer inputs
        if merged and isinstance(part, str) and isinstance(merged[-1], str):
            merged[-1] += part
        else:
            merged.append(part)
    return cat(*merged)


@dataclass(slots=True)
class Part:
    """Records of one category from one furnisher about subjects of one chunk."""

    furnisher: str
    category: str
    subject: np.ndarray  # index into the chunk's subjects
    day: np.ndarray  # datetime64[D]
    fields: pa.Array  # JSON text
    cents: np.ndarray | None = None
    legal_basis: str | None = None

    def __len__(self) -> int:
        return len(self.subject)

    def take(self, keep: np.ndarray) -> Part:
        """The rows where keep is true (or at those indices)."""
        return Part(
            self.furnisher,
            self.category,
            self.subject[keep],
            self.day[keep],
            self.fields.filter(pa.array(keep))
            if keep.dtype == bool
            else self.fields.take(pa.array(keep)),
            None if self.cents is None else self.cents[keep],
            self.legal_basis,
        )


def expand(counts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """For groups of the given sizes: each item's group and its position in the group."""
    counts = np.asarray(counts, dtype=np.int64)
    owner = np.repeat(np.arange(len(counts)), counts)
    starts = np.cumsum(counts) - counts
    position = np.arange(len(owner), dtype=np.int64) - np.repeat(starts, counts)
    return owner, position


def sigmoid(x: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-x))
