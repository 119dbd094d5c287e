"""Ledger services: install policies, publish computed ledgers, answer grades and explain them.

A subject has a ledger in a scheme only while it has a live ``ledger:<scheme>`` consent.
Consents belong to access, which sits above ledgers: the refresh computes ledgers only for
the subjects ``access.consents.subjects_with`` names, revoking a consent calls
``on_consent_withdrawn``, and readers that must respect consent (checks, the subject's
report, public grades) ask ``access.inputs``, which looks the consent up first. Grades
feed programs' ``ledger_grade_at_least`` conditions and never restrict anyone: no list,
restriction or check outside programs reads them.

A published entry counts only while its record supports it (``_entries``, read with the
entry): the record is in use (``records.service.in_use``: not deleted, expired or disputed,
a disputed court order stays in use) and still of the subject and the rule's category. So
a deletion, expiry or dispute takes the points out of the balance, the grade and program
eligibility at once, and a verified dispute brings them back at once, with no stored state
to undo; the next computation reads only records in use and agrees (``explain`` lists such
entries under ``left_out`` with the reason until then).
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, NamedTuple

import pyarrow as pa
from sqlalchemy import delete, func, select, text
from sqlalchemy.orm import Session

from credo.core import audit, clock
from credo.core.db import insert_rows
from credo.errors import NotFound
from credo.ledgers.events import LedgerComputed, LedgerDeleted, PolicyInstalled
from credo.ledgers.models import LedgerBalance, LedgerEntry, LedgerGradeHistory, LedgerPolicy
from credo.ledgers.policy import Policy, PolicyError, Problem, parse
from credo.ledgers.source import Source
from credo.records.models import Record
from credo.records.service import in_use
from credo.subjects.models import Subject

SCOPE_PREFIX = "ledger:"
#: Longest policy file path ``ledger_policies.file`` holds.
FILE_MAX = 512


# --- policies ----------------------------------------------------------------------------------


@lru_cache(maxsize=64)
def _parsed(source: str, file: str) -> Policy:
    return parse(source, file, installed=True)


def _row(session: Session, scheme: str, version: int | None = None) -> LedgerPolicy | None:
    query = select(LedgerPolicy).where(LedgerPolicy.scheme == scheme)
    if version is not None:
        query = query.where(LedgerPolicy.version == version)
    return session.execute(
        query.order_by(LedgerPolicy.version.desc()).limit(1)
    ).scalar_one_or_none()


def policy_of(row: LedgerPolicy) -> Policy:
    return _parsed(row.source, row.file)


def current(*, session: Session, scheme: str) -> Policy | None:
    """The policy in force for a scheme (its highest installed version), or None."""
    row = _row(session, scheme)
    return None if row is None else policy_of(row)


def in_force(*, session: Session) -> list[Policy]:
    """Every scheme's policy in force."""
    latest = (
        select(LedgerPolicy.scheme, func.max(LedgerPolicy.version).label("v"))
        .group_by(LedgerPolicy.scheme)
        .subquery()
    )
    rows = session.execute(
        select(LedgerPolicy)
        .join(
            latest, (LedgerPolicy.scheme == latest.c.scheme) & (LedgerPolicy.version == latest.c.v)
        )
        .order_by(LedgerPolicy.scheme)
    ).scalars()
    return [policy_of(r) for r in rows]


def policies(*, session: Session) -> list[dict[str, Any]]:
    """Installed policy versions, newest first per scheme (for the console and the CLI)."""
    rows = session.execute(
        select(LedgerPolicy).order_by(LedgerPolicy.scheme, LedgerPolicy.version.desc())
    ).scalars()
    seen: set[str] = set()
    out = []
    for r in rows:
        out.append(
            {
                "id": f"{r.scheme} v{r.version}",
                "scheme": r.scheme,
                "version": r.version,
                "title": r.title,
                "in_force": r.scheme not in seen,
                "digest": r.digest,
                "file": r.file,
                "installed_at": r.installed_at.isoformat(),
            }
        )
        seen.add(r.scheme)
    return out


def install(
    *, session: Session, policy: Policy, file: str, actor: str = "operator"
) -> LedgerPolicy:
    """Install a checked policy as its scheme's next version; reinstalling the same is a no-op.

    A version not above the one in force is refused (PolicyError on the version line), so the
    policy in force stays in force.
    """
    if len(file) > FILE_MAX:  # the column's width: PostgreSQL would refuse the row
        reason = (
            f"the file's path is longer than {FILE_MAX} characters; apply it from a shorter one"
        )
        raise PolicyError(file[:FILE_MAX] + "...", [Problem(1, reason)])
    held = _row(session, policy.scheme)
    if held is not None:
        if held.version == policy.version and held.digest == policy.digest:
            return held
        if policy.version <= held.version:
            line = Source(policy.source).top("version")
            reason = (
                f"version {policy.version} is not above version {held.version} of scheme "
                f"{policy.scheme!r}, which stays in force; give version {held.version + 1}"
            )
            raise PolicyError(file, [Problem(line, reason)])
    row = LedgerPolicy(
        scheme=policy.scheme,
        version=policy.version,
        title=policy.title or policy.scheme,
        file=file,
        source=policy.source,
        digest=policy.digest,
        installed_at=clock.now(),
        installed_by=actor,
    )
    session.add(row)
    session.flush()
    event = PolicyInstalled(
        policy.scheme, policy.version, policy.digest, file, [r.id for r in policy.rules]
    )
    audit.append(session, event, actor=actor)
    return row


# --- consent ----------------------------------------------------------------------------------


def on_consent_withdrawn(
    *, session: Session, subject_id: int, scheme: str, reason: str = "consent_withdrawn"
) -> int:
    """Delete a subject's ledger in a scheme now (entries, balance, grade history).

    Call it in the transaction that revokes a ``ledger:<scheme>`` consent; returns how many
    entries were deleted. The next computation would delete them too.
    """
    where = (LedgerEntry.scheme == scheme) & (LedgerEntry.subject_id == subject_id)
    gone = session.execute(delete(LedgerEntry).where(where))
    session.execute(
        delete(LedgerBalance).where(
            LedgerBalance.scheme == scheme, LedgerBalance.subject_id == subject_id
        )
    )
    session.execute(
        delete(LedgerGradeHistory).where(
            LedgerGradeHistory.scheme == scheme, LedgerGradeHistory.subject_id == subject_id
        )
    )
    count = int(gone.rowcount or 0)  # type: ignore[attr-defined]
    event = LedgerDeleted(scheme, subject_id, reason, count)
    audit.append(session, event, actor=f"subject:{subject_id}")
    return count


# --- publishing -------------------------------------------------------------------------------


def _digest(balances: pa.Table) -> str:
    ordered = balances.sort_by("subject_id")
    h = hashlib.sha256()
    for sid, bal, grade in zip(
        ordered["subject_id"].to_pylist(),
        ordered["balance"].to_pylist(),
        ordered["grade"].to_pylist(),
        strict=True,
    ):
        h.update(f"{sid},{bal},{grade}\n".encode())
    return h.hexdigest()


def publish(
    *,
    session: Session,
    policy: Policy,
    as_of: dt.date,
    entries: pa.Table,
    balances: pa.Table,
    actor: str = "operator",
) -> dict[str, Any]:
    """Replace a scheme's ledgers with a fresh computation, keeping replaced grades as history.

    A subject whose grade or policy version changed gets a history row for the old grade;
    a subject no longer opted in loses its whole ledger, history included.
    """
    scheme = policy.scheme
    old = {
        sid: (version, balance, grade, day)
        for sid, version, balance, grade, day in session.execute(
            select(
                LedgerBalance.subject_id,
                LedgerBalance.policy_version,
                LedgerBalance.balance,
                LedgerBalance.grade,
                LedgerBalance.as_of,
            ).where(LedgerBalance.scheme == scheme)
        )
    }
    new_ids = balances["subject_id"].to_pylist()
    new_grades = balances["grade"].to_pylist()
    history = []
    for sid, grade in zip(new_ids, new_grades, strict=True):
        held = old.get(sid)
        if held is None or (held[0] == policy.version and held[2] == grade):
            continue
        history.append(
            {
                "scheme": scheme,
                "subject_id": sid,
                "policy_version": held[0],
                "balance": held[1],
                "grade": held[2],
                "as_of": held[3],
                "replaced_on": as_of,
                "reason": "policy_changed" if held[0] != policy.version else "recomputed",
            }
        )
    removed = len(set(old) - set(new_ids))
    session.execute(delete(LedgerEntry).where(LedgerEntry.scheme == scheme))
    session.execute(delete(LedgerBalance).where(LedgerBalance.scheme == scheme))
    n = entries.num_rows
    extra = {"scheme": [scheme] * n, "policy_version": [policy.version] * n}
    entry_rows = pa.Table.from_pydict(
        {**extra, **{c: entries[c] for c in entries.column_names}}
    ).to_pylist()
    insert_rows(session, LedgerEntry.__table__, entry_rows)
    m = balances.num_rows
    balance_rows = pa.Table.from_pydict(
        {
            "scheme": [scheme] * m,
            "subject_id": balances["subject_id"],
            "policy_version": [policy.version] * m,
            "balance": balances["balance"],
            "grade": balances["grade"],
            "as_of": [as_of] * m,
        }
    ).to_pylist()
    insert_rows(session, LedgerBalance.__table__, balance_rows)
    insert_rows(session, LedgerGradeHistory.__table__, history)
    session.execute(
        text(
            "DELETE FROM ledger_grade_history WHERE scheme = :s AND subject_id NOT IN "
            "(SELECT subject_id FROM ledger_balances WHERE scheme = :s)"
        ),
        {"s": scheme},
    )
    digest = _digest(balances)
    event = LedgerComputed(
        scheme, policy.version, as_of.isoformat(), m, n, removed, len(history), digest
    )
    audit.append(session, event, actor=actor)
    return {
        "scheme": scheme,
        "version": policy.version,
        "subjects": m,
        "entries": n,
        "removed": removed,
        "history": len(history),
        "digest": digest,
    }


# --- reading ----------------------------------------------------------------------------------


def _balance_row(session: Session, subject_id: int, scheme: str) -> LedgerBalance | None:
    return session.get(LedgerBalance, (scheme, subject_id))


#: Why an entry stopped counting before the next computation, by what became of its record
#: (the codes lists use for the same cases, ``credo.lists.service.GONE_REASONS``), in words.
LEFT_OUT = {
    "record_deleted": "the record was deleted, so its points no longer count",
    "record_expired": "the record reached the end of its retention period, so its points no "
    "longer count",
    "record_disputed": "the record is disputed: its points do not count while the furnisher "
    "checks it, and count again at once if the furnisher verifies it",
    "record_corrected": "the record was corrected to another subject or category, so this "
    "rule's points no longer count here",
}


_GONE = {"expired": "record_expired", "disputed": "record_disputed"}


def _left_out(
    policy: Policy, entry: LedgerEntry, record: tuple[int, str, str] | None
) -> str | None:
    """Why an entry's record no longer supports it (a ``LEFT_OUT`` code), or None: it counts.

    The one rule for disputed records (``records.service.in_use``): a record counts while in
    use, a disputed court order stays in use. A record corrected to another subject or
    category no longer earns this rule's points for this subject either.
    """
    if record is None:
        return "record_deleted"  # no longer held
    subject_id, category, state = record
    if not in_use(category, state):
        return _GONE.get(state, "record_deleted")
    rule = policy.rule(entry.rule_id)
    if subject_id != entry.subject_id or (rule is not None and rule.category != category):
        return "record_corrected"
    return None


class _Item(NamedTuple):
    """A published entry with what its record is now (None: no longer held) and, when the
    record no longer supports it, why (a ``LEFT_OUT`` code)."""

    entry: LedgerEntry
    category: str | None
    state: str
    reason: str | None


def _entries(
    session: Session, policy: Policy, subject_id: int, scheme: str, on: dt.date
) -> list[_Item]:
    """The published entries dated within ``on`` (occurred, still counting), each with what
    became of its record since the computation, read in the same query: a deletion, an
    expiry or a dispute takes the points out of the balance at once and a verified dispute
    brings them back at once, as the next computation (which reads only records in use)
    will."""
    rows = session.execute(
        select(LedgerEntry, Record.subject_id, Record.category, Record.state)
        .outerjoin(Record, Record.id == LedgerEntry.record_id)
        .where(
            LedgerEntry.scheme == scheme,
            LedgerEntry.subject_id == subject_id,
            LedgerEntry.occurred_on <= on,
            LedgerEntry.counts_until > on,
        )
        .order_by(LedgerEntry.occurred_on, LedgerEntry.record_id, LedgerEntry.rule_id)
    ).all()
    return [
        _Item(
            entry,
            category,
            state or "deleted",
            _left_out(policy, entry, None if state is None else (owner, category, state)),
        )
        for entry, owner, category, state in rows
    ]


@dataclass(frozen=True)
class _Standing:
    """A subject's published row, its policy and the entries dated within the day."""

    row: LedgerBalance
    policy: Policy
    items: list[_Item]

    @property
    def counting(self) -> list[_Item]:
        return [i for i in self.items if i.reason is None]

    @property
    def left_out(self) -> list[_Item]:
        return [i for i in self.items if i.reason is not None]

    @property
    def balance(self) -> int:
        return self.policy.base + sum(i.entry.points for i in self.counting)


def _standing(session: Session, subject_id: int, scheme: str, on: dt.date) -> _Standing | None:
    """A subject's standing on ``on``, or None (no ledger, no policy)."""
    row = _balance_row(session, subject_id, scheme)
    if row is None:
        return None
    policy_row = _row(session, scheme, row.policy_version)
    if policy_row is None:
        return None
    policy = policy_of(policy_row)
    return _Standing(row, policy, _entries(session, policy, subject_id, scheme, on))


def grade_for(*, session: Session, subject_id: int, scheme: str, on: dt.date) -> str | None:
    """The subject's grade in a scheme on a day, or None (no ledger, no policy).

    It does not look at consent: ``access.inputs.ledger_grade`` does, then asks this.

    Points whose ``counts_until`` has passed stop counting on that day, and points whose
    record is no longer in use (deleted, expired, disputed) from that moment, even before
    the next computation. Access's ``ledger_grade_at_least`` reads this.
    """
    standing = _standing(session, subject_id, scheme, on)
    return None if standing is None else standing.policy.grade(standing.balance)


def explain(
    *, session: Session, subject_id: int, scheme: str, on: dt.date | None = None
) -> dict[str, Any]:
    """A balance entry by entry: record (and its state), rule, legal basis, points, counts
    until; the entries left out since the computation because their record no longer
    supports them (``left_out``: each with ``reason`` and ``why`` in words); and history."""
    day = on or clock.today()
    standing = _standing(session, subject_id, scheme, day)
    if standing is None:
        raise NotFound(
            f"subject has no ledger in scheme {scheme!r} (not opted in, or not computed yet)",
            details=[{"field": "scheme", "value": scheme}],
        )
    policy, balance = standing.policy, standing.balance

    def item(i: _Item) -> dict[str, Any]:
        rule = policy.rule(i.entry.rule_id)
        return {
            "record_id": i.entry.record_id,
            "category": i.category,
            "record_state": i.state,
            "occurred_on": i.entry.occurred_on.isoformat(),
            "rule": i.entry.rule_id,
            "rule_description": rule.description if rule else "",
            "legal_basis": rule.legal_basis if rule else "",
            "points": i.entry.points,
            "counts_until": i.entry.counts_until.isoformat(),
        }

    items = [item(i) for i in standing.counting]
    left_out = [
        {**item(i), "reason": i.reason, "why": LEFT_OUT[i.reason or ""]} for i in standing.left_out
    ]
    history = session.execute(
        select(LedgerGradeHistory)
        .where(LedgerGradeHistory.scheme == scheme, LedgerGradeHistory.subject_id == subject_id)
        .order_by(LedgerGradeHistory.replaced_on, LedgerGradeHistory.id)
    ).scalars()
    return {
        "scheme": scheme,
        "subject_id": subject_id,
        "policy_version": policy.version,
        "on": day.isoformat(),
        "computed_as_of": standing.row.as_of.isoformat(),
        "base": policy.base,
        "balance": balance,
        "grade": policy.grade(balance),
        "entries": items,
        "left_out": left_out,
        "history": [
            {
                "policy_version": h.policy_version,
                "grade": h.grade,
                "balance": h.balance,
                "as_of": h.as_of.isoformat(),
                "replaced_on": h.replaced_on.isoformat(),
                "reason": h.reason,
            }
            for h in history
        ],
        "note": "Grades never restrict anyone; programs may offer benefits at a grade.",
    }


def public_grades(*, session: Session, subject_id: int) -> list[dict[str, Any]]:
    """An organisation's grades in the schemes it opted in to (persons' grades are private)."""
    subject = session.get(Subject, subject_id)
    if subject is None or subject.kind != "organisation":
        return []
    today = clock.today()
    rows = session.execute(
        select(LedgerBalance.scheme).where(LedgerBalance.subject_id == subject_id)
    ).scalars()
    out = []
    for scheme in sorted(rows):
        grade = grade_for(session=session, subject_id=subject_id, scheme=scheme, on=today)
        if grade is not None:
            out.append({"scheme": scheme, "grade": grade, "as_of": today.isoformat()})
    return out
