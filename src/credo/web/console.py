"""The operator console ``/admin``: sign in with the operator key; queues and registry state."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from credo.access import parties as access_parties
from credo.config import Settings
from credo.core import clock, decisions
from credo.core.types import MAX_ID
from credo.errors import InvalidInput, NotFound, Unauthenticated
from credo.furnishers import service as furnishers
from credo.integrity import service as integrity
from credo.ledgers import service as ledgers
from credo.lists import repairs as list_repairs
from credo.lists import rules
from credo.lists import service as lists_service
from credo.lists.models import ListEntry
from credo.notices import service as notices
from credo.register import appeals
from credo.register.policy import MAX_RATING
from credo.rights import disputes, reviews
from credo.scores import service as scores
from credo.scores.models import Score, ScoreRun
from credo.subjects.models import Subject
from credo.web import sessions
from credo.web.deps import SessionDep, SettingsDep
from credo.web.render import OPERATOR_COOKIE, operator_cookie, operator_key_ok, page, redirect
from credo.web.sessions import Action, Post

router = APIRouter(prefix="/admin", include_in_schema=False)


def _lists(session: Session) -> list[dict[str, Any]]:

    counts: dict[str, dict[str, int]] = {}
    # as the entries read today (``lists.service.shown_state``): an open entry whose term is
    # over counts as ended, as checks, the API's lists and the report read it
    shown = lists_service.shown_state_sql(clock.today())
    for list_id, state, n in session.execute(
        select(ListEntry.list_id, shown, func.count()).group_by(ListEntry.list_id, shown)
    ):
        counts.setdefault(list_id, {})[state] = int(n)
    return [
        {"rule": rule, "counts": counts.get(list_id, {})} for list_id, rule in rules.LISTS.items()
    ]


def _model(session: Session) -> dict[str, Any] | None:

    try:
        row = scores.active_model(session=session)
    except NotFound:
        return {"version": None}
    card = None
    try:
        from credo.scoring import loads, model_card

        card = model_card(loads(row.model)).get("markdown")
    except Exception as exc:  # a card that cannot be drawn must not take the console down
        card = f"(the model card could not be rendered: {exc})"
    drift = scores.drift_history(session=session)
    return {
        "version": row.version,
        "created_at": row.created_at,
        "metrics": row.metrics,
        "holdout": (row.metrics or {}).get("holdout"),
        "bands": (row.metrics or {}).get("bands"),
        "card": card,
        "versions": scores.versions(session=session),
        "drift": drift,
        "drift_flag": scores.DRIFT_FLAG,
        "drift_chart": psi_chart(drift, scores.DRIFT_FLAG),
    }


def psi_chart(history: list[dict[str, Any]], flag: float) -> str:
    """A server-side SVG line chart of the score PSI (and the largest feature PSI) per run.

    The dashed line is the flag threshold (PSI above it is a major shift).
    """
    if not history:
        return ""
    width, height, pad = 480, 160, 30
    points = [
        (h["score_psi"] or 0.0, max(h["features"].values(), default=0.0)) for h in history
    ]
    top = max(flag * 1.4, *(max(a, b) for a, b in points))
    n = len(points)

    def x(i: int) -> float:
        return pad + (width - 2 * pad) * (i / (n - 1) if n > 1 else 0.5)

    def y(v: float) -> float:
        return height - pad - (height - 2 * pad) * (v / top)

    def line(k: int, colour: str, name: str) -> str:
        coords = " ".join(f"{x(i):.1f},{y(p[k]):.1f}" for i, p in enumerate(points))
        dots = "".join(
            f'<circle cx="{x(i):.1f}" cy="{y(p[k]):.1f}" r="3" fill="{colour}">'
            f"<title>run {history[i]['run_id']}: {name} PSI {p[k]:.3f}</title></circle>"
            for i, p in enumerate(points)
        )
        return f'<polyline fill="none" stroke="{colour}" stroke-width="2" points="{coords}"/>{dots}'

    return (
        f'<svg role="img" aria-label="PSI per score run" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" xmlns="http://www.w3.org/2000/svg">'
        f'<line x1="{pad}" y1="{y(flag):.1f}" x2="{width - pad}" y2="{y(flag):.1f}" '
        f'stroke="#b00" stroke-dasharray="4 3"/>'
        f'<text x="{width - pad}" y="{y(flag) - 4:.1f}" font-size="10" text-anchor="end" '
        f'fill="#b00">flag {flag:g}</text>'
        f'<line x1="{pad}" y1="{height - pad}" x2="{width - pad}" y2="{height - pad}" '
        f'stroke="#888"/>'
        + line(0, "#1f5fa8", "score")
        + line(1, "#c77800", "largest feature")
        + f'<text x="{pad}" y="{height - 8}" font-size="10">run {history[0]["run_id"]}</text>'
        f'<text x="{width - pad}" y="{height - 8}" font-size="10" text-anchor="end">'
        f"run {history[-1]['run_id']}</text></svg>"
    )


def _last_refresh(session: Session) -> dict[str, Any]:

    latest = select(ScoreRun).order_by(ScoreRun.id.desc()).limit(1)
    run = session.execute(latest).scalar_one_or_none()
    return {"run": run}


def _answer(session: Session, review: dict[str, Any]) -> str:
    """What the reviewed decision said: a check's reason, or the score or list entry a
    ``score:<id>`` or ``entry:<id>`` review is about (the console showed nothing for those)."""
    if review["decision"] is not None:
        return str(review["decision"]["reason"])
    kind, _, ref = str(review["decision_id"]).partition(":")
    if kind == "score" and (score := session.get(Score, int(ref))) is not None:
        return f"score {score.score} ({score.band}) as of {score.as_of.isoformat()}"
    if kind == "entry" and (entry := session.get(ListEntry, int(ref))) is not None:
        title = rules.LISTS[entry.list_id].title
        return f"{title}: entry {entry.id}, {entry.state} since {entry.starts_on.isoformat()}"
    return ""


def console(*, session: Session) -> dict[str, Any]:
    """Everything the console shows."""
    all_furnishers = furnishers.list_all(session=session)
    dispute_queue: list[dict[str, Any]] = []
    for f in all_furnishers:
        for d, r in disputes.queue(session=session, furnisher_id=f.id):
            dispute_queue.append({"dispute": d, "record": r, "furnisher": f.name})
    dispute_queue.sort(key=lambda x: (x["dispute"].deadline, x["dispute"].id))

    parties = [
        {"party": p, "programs": access_parties.programs_of(session=session, party_id=p.id)}
        for p in access_parties.list_all(session=session)
    ]

    repairs = [list_repairs.describe(r) for r in list_repairs.list_repairs(session=session)]

    flags_total, open_flags = integrity.list_flags(session=session, state="open")
    rating_requests = [
        {"request": r, "organisation": session.get(Subject, r.subject_id)}
        for r in appeals.open_requests(session=session)
    ]
    return {
        "furnishers": all_furnishers,
        "parties": parties,
        "lists": _lists(session),
        "model": _model(session),
        "disputes": dispute_queue,
        "repairs": repairs,
        "reviews": [{**r, "answer": _answer(session, r)} for r in reviews.queue(session=session)],
        "rating_requests": rating_requests,
        "flags": [integrity.describe(session=session, flag=f) for f in open_flags],
        "flags_total": flags_total,
        "policies": ledgers.policies(session=session),
        "refresh": _last_refresh(session),
        "undeliverable": notices.undeliverable(session=session),
    }


ACTOR = "operator:web"


def _check_key(data: dict[str, str], _session: Session, settings: Settings) -> tuple[str, str]:
    if operator_cookie(settings) is None or not operator_key_ok(settings, data.get("key", "")):
        raise Unauthenticated("the operator key is missing or wrong")
    return "operator", ACTOR


sessions.signin_routes(
    router,
    kind=sessions.OPERATOR,
    key_of=lambda _data: "key:operator",
    check=_check_key,
    actor=ACTOR,
)


@router.get("", response_class=HTMLResponse, response_model=None)
def admin(request: Request, session: SessionDep, settings: SettingsDep) -> Response:
    """Furnishers, parties, programs, lists, the model, queues and the last refresh."""
    if not sessions.operator_signed_in(request, session, settings):
        return redirect("/admin/signin")
    context = console(session=session) | sessions.form_context(request, settings, OPERATOR_COOKIE)
    return page(request, "admin.html", context, private=True)


# --- the operator's decisions: a CSRF-checked form, one domain call, back to the console ----

MAX_NOTE = 2000  # as the API's decision bodies (a note, a reason)
_ID_DIGITS = re.compile(r"[0-9]{1,19}")


def _id(value: str, field: str) -> int:
    """An id from the path: ASCII digits within 1..MAX_ID, else InvalidInput naming ``field``
    and the value (the path's int converter took any length, and a number past 64 bits was
    a 500 from the store)."""
    if _ID_DIGITS.fullmatch(value) and 1 <= (number := int(value)) <= MAX_ID:
        return number
    raise InvalidInput(
        f"{field} must be a whole number from 1 to {MAX_ID}",
        details=[{"field": field, "value": value}],  # the error answer shortens it
    )


def _note(data: dict[str, str], field: str) -> str:
    """A note or reason of the form: at most MAX_NOTE characters, as the API takes."""
    text = data.get(field, "")
    if len(text.strip()) > MAX_NOTE:
        raise InvalidInput(
            f"{field} must be at most {MAX_NOTE} characters (got {len(text.strip())})",
            details=[{"field": field, "value": text.strip()}],  # the error answer shortens it
        )
    return text


def _choice(data: dict[str, str], field: str, allowed: tuple[str, ...]) -> str:
    """The button pressed: one of ``allowed``, else InvalidInput naming ``field``."""
    value = data.get(field, "")
    decisions.one_of(value, allowed, field=field)
    return value


def _decision(path: str, done: str) -> Callable[[Action], Action]:
    return sessions.form_post(router, path, sessions.operator_form, f"/admin?done={done}")


@_decision("/notices/{notice_id}/retry", "notice#notices")
def retry_notice(post: Post[str], notice_id: str) -> None:
    """Send an undeliverable notice again (its attempts start over)."""
    notices.retry(session=post.session, notice_id=_id(notice_id, "notice_id"))


@_decision("/repairs/{repair_id}", "repair#repairs")
def decide_repair(post: Post[str], repair_id: str) -> None:
    """Approve (the entry ends today) or reject (with a reason) a credit-repair application."""
    number = _id(repair_id, "repair_id")
    decision = _choice(post.data, "decision", ("approve", "reject"))
    list_repairs.decide(
        session=post.session,
        repair_id=number,
        approve=decision == "approve",
        reason=_note(post.data, "reason"),
        actor=ACTOR,
    )


@_decision("/reviews/{review_id}", "review#reviews")
def resolve_review(post: Post[str], review_id: str) -> None:
    """Record a human review's outcome (``rights.reviews.decide``)."""
    number, note = _id(review_id, "review_id"), _note(post.data, "note")
    outcome = post.data.get("outcome", "")
    reviews.decide(session=post.session, review_id=number, outcome=outcome, note=note)


_RATING = re.compile(r"[0-9]{1,3}")


@_decision("/register/requests/{request_id}", "rating#ratings")
def decide_rating_request(post: Post[str], request_id: str) -> None:
    """Decide a rating appeal (upheld with the new rating, or dismissed) or close a re-rating
    request (``register.appeals.decide``, as the API's decision)."""
    number, note = _id(request_id, "request_id"), _note(post.data, "note")
    text = post.data.get("rating", "").strip()
    if text and not _RATING.fullmatch(text):
        raise InvalidInput(
            f"rating must be a whole number from 0 to {MAX_RATING}",
            details=[{"field": "rating", "value": text}],
        )
    appeals.decide(
        session=post.session,
        request_id=number,
        outcome=post.data.get("outcome", ""),
        rating=int(text) if text else None,
        note=note,
        actor=ACTOR,
    )


@_decision("/flags/{flag_id}", "flag#flags")
def decide_flag(post: Post[str], flag_id: str) -> None:
    """Clear or confirm an integrity flag (``integrity.service.decide``)."""
    number, note = _id(flag_id, "flag_id"), _note(post.data, "note") or None
    decision = post.data.get("decision", "")
    integrity.decide(
        session=post.session, flag_id=number, decision=decision, note=note, actor=ACTOR
    )
