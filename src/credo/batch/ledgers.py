"""The refresh step that computes every scheme's ledgers in the batch engine and publishes them.

``ledger_step(job)`` runs after the snapshot is open (``job.tables``); for each scheme with
a policy in force it reads the live opt-ins (consents are access's), computes entries and
balances as Ibis expressions on the job's engine and replaces the scheme's ledgers in one
transaction.

The snapshot holds only records in use (``records.service.in_use``), so a record deleted,
expired or disputed since the last computation earns nothing here: the same answer the
ledger readers gave from the moment it went out of use (``ledgers.service._entries``).
Publishing replaces the scheme's ledgers whole, so running the step twice changes nothing.
"""

from __future__ import annotations

from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

from credo.access import consents
from credo.core import clock
from credo.ledgers import service
from credo.ledgers.batch import compute_scheme
from credo.ledgers.service import SCOPE_PREFIX


def ledger_step(job: Any) -> None:
    """Refresh step ``("ledgers", ledger_step)``: recompute and publish every scheme's ledgers."""
    assert job.tables is not None, "ledger_step runs after the snapshot step"
    as_of = job.as_of or clock.today()
    with job.factory() as session:
        wanted = [
            (p, consents.subjects_with(session=session, scope=SCOPE_PREFIX + p.scheme))
            for p in service.in_force(session=session)
        ]
    job.tick("ledgers", 0, len(wanted))
    for policy, subject_ids in wanted:
        entries, balances = compute_scheme(
            job.backend, job.tables.records, policy, subject_ids, as_of
        )
        with job.factory() as session, session.begin():
            # opt-ins read again where the ledgers are written: a consent withdrawn while
            # this scheme was computed takes its ledger away now, not at the next refresh
            still = consents.subjects_with(session=session, scope=SCOPE_PREFIX + policy.scheme)
            if set(still) != set(subject_ids):
                keep = pa.array(sorted(set(still)), pa.int64())
                entries = entries.filter(pc.is_in(entries["subject_id"], value_set=keep))
                balances = balances.filter(pc.is_in(balances["subject_id"], value_set=keep))
            service.publish(
                session=session,
                policy=policy,
                as_of=as_of,
                entries=entries,
                balances=balances,
                actor=job.actor,
            )
        job.tick("ledgers", 1)
