"""The refresh step: compute every scheme's ledgers in the batch engine and publish them.

``ledger_step(job)`` runs after the snapshot is open (``job.tables``); for each scheme with
a policy in force it reads the live opt-ins, computes entries and balances as Ibis
expressions on the job's engine and replaces the scheme's ledgers in one transaction.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import ibis
import ibis.expr.types as ir
import pyarrow as pa

from credo.core import clock
from credo.ledgers import compute, service
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


def ledger_step(job: Any) -> None:
    """Refresh step ``("ledgers", ledger_step)``: recompute and publish every scheme's ledgers."""
    assert job.tables is not None, "ledger_step runs after the snapshot step"
    as_of = job.as_of or clock.today()
    with job.factory() as session:
        wanted = [
            (p, service.opted_in(session=session, scheme=p.scheme))
            for p in service.in_force(session=session)
        ]
    job.tick("ledgers", 0, len(wanted))
    for policy, subject_ids in wanted:
        entries, balances = compute_scheme(
            job.backend, job.tables.records, policy, subject_ids, as_of
        )
        with job.factory() as session, session.begin():
            service.publish(
                session=session,
                policy=policy,
                as_of=as_of,
                entries=entries,
                balances=balances,
                actor=job.actor,
            )
        job.tick("ledgers", 1)
