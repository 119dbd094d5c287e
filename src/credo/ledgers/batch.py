"""One scheme's ledgers computed in a batch engine: entries and balances as Arrow tables.

``credo.batch.ledgers.ledger_step`` runs it for every scheme in force, for the subjects
whose ``ledger:<scheme>`` consent is live, and publishes the result.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import ibis
import ibis.expr.types as ir
import pyarrow as pa

from credo.ledgers import compute
from credo.ledgers.policy import Policy

OPTED_IN_SCHEMA = pa.schema([("subject_id", pa.int64())])


def compute_scheme(
    backend: Any, records: ir.Table, policy: Policy, subject_ids: list[int], as_of: dt.date
) -> tuple[pa.Table, pa.Table]:
    """(entries, balances) of one scheme as Arrow tables, computed by ``backend``."""
    opted = ibis.memtable(pa.table([pa.array(subject_ids, pa.int64())], schema=OPTED_IN_SCHEMA))
    entries = backend.to_pyarrow(compute.entries(records, opted, policy, as_of))
    entries = entries.select(list(compute.ENTRY_COLUMNS))
    balances = backend.to_pyarrow(compute.balances(ibis.memtable(entries), opted, policy))
    return entries, balances
