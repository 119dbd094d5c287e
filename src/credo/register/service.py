"""Publish every organisation's grade and safety ratings; read them back for the public.

Only organisations are ever read or written here (``subjects.kind = 'organisation'``).
Disputed records do not count while their furnisher checks them. A rating keeps its
``rated_on`` day (the start of the appeal window) while it rests on the same inspection
and has the same value; an upheld appeal's rating stands until a newer inspection.
"""

from __future__ import annotations

import datetime as dt
import json
from collections import defaultdict
from collections.abc import Iterable, Iterator
from typing import Any

from sqlalchemy import and_, bindparam, delete, select
from sqlalchemy.orm import Session

from credo.core import audit, clock
from credo.core.db import insert_rows
from credo.lists.models import ListEntry
from credo.lists.service import in_force
from credo.records.models import Record
from credo.records.service import in_use_clause
from credo.register import grades as rules
from credo.register import notify
from credo.register.events import RatingRequestDecided, RegisterPublished
from credo.register.models import OrgGrade, RatingReply, RatingRequest, SafetyRating
from credo.register.policy import GradePolicy, load, public_lists
from credo.subjects.models import Subject

COUNTED_STATES = ("active", "corrected")
CHUNK = 5000


def _chunks(ids: list[int], size: int = CHUNK) -> Iterator[list[int]]:
    for start in range(0, len(ids), size):
        yield ids[start : start + size]


def organisation_ids(*, session: Session, subject_ids: Iterable[int] | None = None) -> list[int]:
    query = select(Subject.id).where(Subject.kind == "organisation").order_by(Subject.id)
    if subject_ids is not None:
        query = query.where(Subject.id.in_(list(subject_ids)))
    return list(session.execute(query).scalars())


def _facts(session: Session, ids: list[int], policy: GradePolicy) -> dict[int, list[rules.Fact]]:
    out: dict[int, list[rules.Fact]] = defaultdict(list)
    rows = session.execute(
        select(Record.subject_id, Record.id, Record.category, Record.occurred_on, Record.fields)
        .where(
            Record.subject_id.in_(ids),
            Record.category.in_(sorted(policy.categories())),
            in_use_clause(),  # the one rule for disputed records (court orders count)
        )
        .order_by(Record.subject_id, Record.id)
    )
    for subject_id, record_id, category, occurred_on, fields in rows:
        out[subject_id].append(rules.Fact(record_id, category, occurred_on, json.loads(fields)))
    return out


def _lists(session: Session, ids: list[int], as_of: dt.date) -> dict[int, list[rules.Listing]]:
    """Each organisation's entries in force on ``as_of`` on the lists public for
    organisations: the grade is public, so a list that is not (the red list) never reaches
    it, neither as points nor as a reason."""
    out: dict[int, list[rules.Listing]] = defaultdict(list)
    rows = session.execute(
        select(
            ListEntry.subject_id,
            ListEntry.list_id,
            ListEntry.record_ids,
            ListEntry.ended_on,
            ListEntry.scheduled_end,
        )
        .where(
            ListEntry.subject_id.in_(ids),
            ListEntry.list_id.in_(sorted(public_lists())),
            in_force(as_of),
        )
        .order_by(ListEntry.subject_id, ListEntry.starts_on, ListEntry.id)
    )
    for subject_id, list_id, record_ids, ended_on, scheduled_end in rows:
        ends = [day for day in (ended_on, scheduled_end) if day is not None]
        out[subject_id].append(
            rules.Listing(
                list_id, frozenset(int(r) for r in json.loads(record_ids)), min(ends, default=None)
            )
        )
    return out


def _upheld(session: Session, ids: list[int]) -> dict[tuple[int, str, int], int]:
    """Ratings set on appeal: (subject, domain, inspection record) -> rating."""
    rows = session.execute(
        select(
            RatingRequest.subject_id,
            RatingRequest.domain,
            RatingRequest.inspection_record_id,
            RatingRequest.decided_rating,
        )
        .where(
            RatingRequest.subject_id.in_(ids),
            RatingRequest.kind == "appeal",
            RatingRequest.state == "upheld",
            RatingRequest.decided_rating.is_not(None),
        )
        .order_by(RatingRequest.id)
    )
    return {(s, d, r): int(v) for s, d, r, v in rows if v is not None}


def publish(
    *,
    session: Session,
    as_of: dt.date | None = None,
    policy: GradePolicy | None = None,
    subject_ids: Iterable[int] | None = None,
    actor: str = "operator",
) -> dict[str, int]:
    """Recompute and store grades and ratings (every organisation, or the ones given)."""
    policy = policy or load()
    as_of = clock.as_of(as_of)  # a future day would publish grades ahead of time
    ids = organisation_ids(session=session, subject_ids=subject_ids)
    now = clock.now()
    graded = rated = 0
    for chunk in _chunks(ids):
        facts, lists, upheld = (
            _facts(session, chunk, policy),
            _lists(session, chunk, as_of),
            _upheld(session, chunk),
        )
        # a rating keeps its publication day while it rests on the same inspection and value
        old = {
            (s, d): (rating, record_id, rated_on)
            for s, d, rating, record_id, rated_on in session.execute(
                select(
                    SafetyRating.subject_id,
                    SafetyRating.domain,
                    SafetyRating.rating,
                    SafetyRating.inspection_record_id,
                    SafetyRating.rated_on,
                ).where(SafetyRating.subject_id.in_(chunk))
            )
        }
        for table in (OrgGrade, SafetyRating):
            session.execute(
                delete(table).where(table.subject_id.in_(chunk)),
                execution_options={"synchronize_session": False},
            )
        grade_rows, rating_rows = [], []
        for subject_id in chunk:
            mine = facts.get(subject_id, [])
            result = rules.grade(mine, lists.get(subject_id, []), policy, as_of)
            grade_rows.append(
                {
                    "subject_id": subject_id,
                    "grade": result["grade"],
                    "score": result["score"],
                    "policy_version": policy.version,
                    "as_of": as_of,
                    "reasons": json.dumps(result["reasons"], ensure_ascii=False),
                    "computed_at": now,
                }
            )
            for domain, r in rules.ratings(mine, policy, as_of).items():
                key = (subject_id, domain, r["inspection_record_id"])
                if key in upheld:
                    r["rating"] = upheld[key]
                    r["reasons"].append({"points": None, "text": "rating changed on appeal"})
                before = old.get((subject_id, domain))
                same = before is not None and before[:2] == (r["rating"], key[2])
                rating_rows.append(
                    {
                        "subject_id": subject_id,
                        "domain": domain,
                        "rating": r["rating"],
                        "inspection_record_id": r["inspection_record_id"],
                        "inspection_on": dt.date.fromisoformat(r["inspection_on"]),
                        "rated_on": before[2] if before is not None and same else as_of,
                        "as_of": as_of,
                        "reasons": json.dumps(r["reasons"], ensure_ascii=False),
                    }
                )
        insert_rows(session, OrgGrade.__table__, grade_rows)
        insert_rows(session, SafetyRating.__table__, rating_rows)
        graded += len(grade_rows)
        rated += len(rating_rows)
        _close_superseded(session, chunk, now, actor)
    session.flush()
    session.expire_all()
    event = RegisterPublished(as_of.isoformat(), policy.version, policy.digest, graded, rated)
    audit.append(session, event, actor=actor)
    return {"organisations": graded, "ratings": rated}


def _close_superseded(session: Session, ids: list[int], now: dt.datetime, actor: str) -> None:
    """Open requests whose domain now rests on a newer inspection are over, each audited: a
    re-rating is done; an appeal is closed undecided, since it is against a rating no longer
    published (one appeal per inspection: the new rating can be appealed in its window)."""
    waiting = list(
        session.execute(
            select(RatingRequest).where(
                RatingRequest.subject_id.in_(ids),
                RatingRequest.state == "open",
            )
        ).scalars()
    )
    if not waiting:
        return
    current = {
        (s, d): (r, on)
        for s, d, r, on in session.execute(
            select(
                SafetyRating.subject_id,
                SafetyRating.domain,
                SafetyRating.inspection_record_id,
                SafetyRating.inspection_on,
            ).where(SafetyRating.subject_id.in_([w.subject_id for w in waiting]))
        )
    }
    # a publish as of an earlier day may rest on an older inspection: that one replaces nothing
    asked_on = dict(
        session.execute(
            select(Record.id, Record.occurred_on).where(
                Record.id.in_([w.inspection_record_id for w in waiting])
            )
        ).all()
    )
    for request in waiting:
        latest, latest_on = current.get((request.subject_id, request.domain), (None, None))
        if latest is None or latest == request.inspection_record_id:
            continue
        older = asked_on.get(request.inspection_record_id)
        if older is not None and latest_on is not None and latest_on < older:
            continue
        request.state, request.decided_at = "done", now
        request.note = (
            f"re-rated on inspection record {latest}"
            if request.kind == "rerating"
            else f"closed undecided: the rating now rests on a newer inspection (inspection "
            f"record {latest}); that rating can be appealed in its own window"
        )
        audit.append(session, RatingRequestDecided(request.id, "done", None), actor=actor)
        notify.rating_decided(session, request)


# --- reading ------------------------------------------------------------------------------


def grade_of(*, session: Session, subject_id: int) -> dict[str, Any] | None:
    row = session.get(OrgGrade, subject_id)
    if row is None:
        return None
    return {
        "grade": row.grade,
        "score": row.score,
        "policy_version": row.policy_version,
        "as_of": row.as_of.isoformat(),
        "reasons": json.loads(row.reasons),
    }


def _open_request(kind: str, column: Any) -> Any:
    """A correlated scalar: the open request of a kind for the rating's organisation and domain."""
    return (
        select(column)
        .where(
            RatingRequest.subject_id == SafetyRating.subject_id,
            RatingRequest.domain == SafetyRating.domain,
            RatingRequest.kind == kind,
            RatingRequest.state == "open",
        )
        .limit(1)
        .scalar_subquery()
    )


_RATINGS = (
    select(
        SafetyRating,
        RatingReply.text,
        RatingReply.created_at,
        _open_request("appeal", RatingRequest.id).label("appeal"),
        _open_request("rerating", RatingRequest.opened_at).label("rerating"),
    )
    .outerjoin(
        RatingReply,
        and_(
            RatingReply.subject_id == SafetyRating.subject_id,
            RatingReply.domain == SafetyRating.domain,
            RatingReply.withdrawn_at.is_(None),
        ),
    )
    .where(SafetyRating.subject_id.in_(bindparam("ids", expanding=True)))
    .order_by(SafetyRating.subject_id, SafetyRating.domain, RatingReply.id)
)


def ratings_of(
    *, session: Session, subject_ids: list[int], policy: GradePolicy | None = None
) -> dict[int, list[dict[str, Any]]]:
    """Each organisation's ratings with status, reply, appeal window and open requests."""
    policy = policy or load()
    if not subject_ids:
        return {}
    out: dict[int, list[dict[str, Any]]] = defaultdict(list)
    seen: dict[tuple[int, str], dict[str, Any]] = {}
    for r, reply, replied_at, appeal, rerating in session.execute(_RATINGS, {"ids": subject_ids}):
        said = None if reply is None else {"text": reply, "published_at": replied_at.isoformat()}
        if (r.subject_id, r.domain) in seen:  # a later reply replaces an earlier one
            seen[(r.subject_id, r.domain)]["reply"] = said
            continue
        row = {
            "domain": r.domain,
            "rating": r.rating,
            "status": "under appeal" if appeal is not None else "rated",
            "inspection_on": r.inspection_on.isoformat(),
            "inspection_record_id": r.inspection_record_id,
            "rated_on": r.rated_on.isoformat(),
            "appeal_until": (
                r.rated_on + dt.timedelta(days=policy.safety.appeal_days)
            ).isoformat(),
            "reasons": json.loads(r.reasons),
            "reply": said,
            "rerating_requested_on": _day(rerating),
        }
        seen[(r.subject_id, r.domain)] = row
        out[r.subject_id].append(row)
    return out


def _day(value: Any) -> str | None:
    """The date of a timestamp from either store (SQLite may hand back text)."""
    if value is None:
        return None
    if isinstance(value, str):
        return value[:10]
    return str(value.date().isoformat())


def summaries(*, session: Session, subject_ids: list[int]) -> dict[int, dict[str, Any]]:
    """Grade letter and ratings of several organisations (for search hits)."""
    if not subject_ids:
        return {}
    grades = dict(
        session.execute(
            select(OrgGrade.subject_id, OrgGrade.grade).where(
                OrgGrade.subject_id.in_(subject_ids)
            )
        ).all()
    )
    requests = {
        (s, d)
        for s, d in session.execute(
            select(RatingRequest.subject_id, RatingRequest.domain).where(
                RatingRequest.subject_id.in_(subject_ids),
                RatingRequest.state == "open",
                RatingRequest.kind == "appeal",
            )
        )
    }
    ratings: dict[int, dict[str, Any]] = defaultdict(dict)
    for s, domain, rating, on in session.execute(
        select(
            SafetyRating.subject_id,
            SafetyRating.domain,
            SafetyRating.rating,
            SafetyRating.inspection_on,
        ).where(SafetyRating.subject_id.in_(subject_ids))
    ):
        ratings[s][domain] = {
            "rating": rating,
            "inspection_on": on.isoformat(),
            "status": "under appeal" if (s, domain) in requests else "rated",
        }
    return {
        s: {"grade": grades.get(s), "ratings": dict(sorted(ratings.get(s, {}).items()))}
        for s in subject_ids
    }
