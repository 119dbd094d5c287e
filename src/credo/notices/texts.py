"""Notice texts written for a person: what happened, why, what it means, what they can do.

Pure functions of a notice's kind and payload; no I/O. The inbox, the e-mail and the
report all show the same words. Links start with ``CREDO_PUBLIC_URL``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

ACTIVITY_NAMES = {
    "air_travel": "flying",
    "high_speed_rail": "high-speed trains",
    "rail_first_class": "first-class rail seats",
    "soft_sleeper": "soft-sleeper berths",
    "star_hotel": "star-rated hotels",
    "nightclub_golf": "nightclubs and golf courses",
    "property_purchase": "buying property",
    "luxury_car": "buying luxury cars",
    "holiday_travel": "holiday travel",
    "private_school": "high-fee private schools",
    "high_premium_insurance": "high-premium insurance",
}
LIST_NAMES = {
    "defaulter": "the list of judgment defaulters",
    "serious_violator": "the list of serious violators",
    "red": "the red list (commendations)",
}
#: List rules in words (a notice never shows a rule id such as ``defaulter.court_listing``).
RULE_NAMES = {
    "defaulter.warning": "a court judgment against you is unfulfilled past its due date",
    "defaulter.court_listing": "a court judgment against you is not fulfilled and the court "
    "ordered the listing",
    "serious_violator.safety_penalty": "a serious safety penalty was imposed",
    "red.commendation": "you were commended",
    "red.inspection_streak": "several inspections in a row were graded A",
}
#: Why a list entry ended, in words (``removal_reason`` codes; ``credo.lists.rules`` adds
#: the refusals to these).
END_REASONS = {
    "fulfilled": "the court reported the judgment fulfilled",
    "delisted": "the court lifted the listing",
    "term_expired": "its term ended",
    "listed": "the court listed you, so the warning became a listing",
    "repaired": "your credit-repair application was approved",
    "overturned_on_review": "a human review overturned it",
    # the records it rested on are no longer used (``credo.lists.service.GONE_REASONS``)
    "record_deleted": "the record it rested on was deleted",
    "record_expired": "the record it rested on reached the end of its retention period",
    "record_disputed": "you disputed the record it rested on, and a disputed record is not "
    "used until its furnisher answers",
    "record_corrected": "the record it rested on was corrected and no longer calls for it",
}
#: What a lifting adds for reasons that may not be final, after "You may again use ...".
END_CAVEATS = {
    "record_disputed": "This holds while your dispute is open: if the furnisher verifies the "
    "record, the entry comes back from the next refresh of the lists; if it corrects or "
    "deletes it, the entry follows the corrected record or stays ended.",
}


#: What a public entry means for an organisation (``published``: the list is public for it).
PUBLIC = (
    "The entry is public: anyone can see it on your organisation's page in the public register."
)
UNPUBLISHED = "Your organisation's page in the public register no longer shows it."
#: What a serious-violator entry of a tier that restricts nothing does (and does not do).
RESTRICTS_NOTHING = (
    "It restricts nothing: relying parties checking a restriction are told your organisation "
    "is not restricted by it."
)
GRADE = (
    "While it is published, your organisation's public credit grade may count it (the "
    "grading policy says how)."
)


def _words(code: object, names: dict[str, str]) -> str:
    """A code in words: its name, else the code with ``_`` and ``.`` as spaces."""
    text = str(code or "")
    head, _, detail = text.partition(":")
    words = names.get(head, head.replace("_", " ").replace(".", " "))
    return f"{words} ({detail.replace('_', ' ')})" if detail else words


@dataclass(frozen=True)
class Text:
    """A rendered notice: a title and four short sections, plus links."""

    title: str
    what: str
    why: str
    means: str
    can_do: str
    links: list[tuple[str, str]] = field(default_factory=list)

    def plain(self) -> str:
        """The notice as plain text (the e-mail body)."""
        parts = [
            self.title,
            "",
            f"What happened: {self.what}",
            f"Why: {self.why}",
            f"What it means: {self.means}",
            f"What you can do: {self.can_do}",
        ]
        if self.links:
            parts.append("")
            parts += [f"{label}: {url}" for label, url in self.links]
        parts += ["", "credo, the accountable credit and trust registry"]
        return "\n".join(parts) + "\n"


def activities(names: list[str] | None) -> str:
    """Restricted activities in words ("flying, high-speed trains and star-rated hotels")."""
    words = [ACTIVITY_NAMES.get(n, n.replace("_", " ")) for n in names or []]
    if not words:
        return "nothing"
    if len(words) == 1:
        return words[0]
    return ", ".join(words[:-1]) + " and " + words[-1]


def _list(p: dict[str, Any]) -> str:
    return LIST_NAMES.get(str(p.get("list")), f"the {p.get('list')} list")


def _basis(p: dict[str, Any]) -> str:
    parts = []
    if p.get("case_number"):
        court = f" of {p['court_name']}" if p.get("court_name") else ""
        parts.append(f"court case {p['case_number']}{court}")
    if p.get("records"):
        parts.append("record " + ", ".join(str(r) for r in p["records"]))
    if p.get("legal_basis"):
        parts.append(f"legal basis: {p['legal_basis']}")
    return "; ".join(parts) if parts else "the records listed in your report"


def _links(base: str, *extra: tuple[str, str]) -> list[tuple[str, str]]:
    return [*((label, base + path) for label, path in extra), ("Your file", base + "/me")]


def _listing_warning(p: dict[str, Any], base: str) -> Text:
    ordered = p.get("listing_ordered_on")  # the court has already listed: say so
    return Text(
        title="Warning: a court has ordered you put on the list of judgment defaulters"
        if ordered
        else "Warning: you may be put on the list of judgment defaulters",
        what=f"A court judgment against you fell due on {p.get('due_on')} and is recorded as "
        "not fulfilled."
        + (f" The court ordered your listing on {ordered}." if ordered else ""),
        why=f"{_basis(p)}. A court may list a person who does not fulfil a judgment.",
        means=(
            f"The listing takes effect on {p.get('takes_effect_on')} at the earliest, "
            "counted from this warning; "
            if ordered
            else f"If you are listed, it takes effect no earlier than {p.get('takes_effect_on')}; "
        )
        + f"while listed you may not use {activities(p.get('restricts'))}. Nothing is "
        "restricted yet.",
        can_do="Pay or fulfil the judgment and have the court (or you) file proof; if the "
        "record is wrong, dispute it in your file. A dispute is answered within the "
        "furnisher's deadline or the record is deleted.",
        links=_links(base, ("Dispute or file proof", "/me#records")),
    )


def _listing_entered(p: dict[str, Any], base: str) -> Text:
    until = p.get("scheduled_end") or "the judgment is fulfilled"
    return Text(
        title=f"You have been put on {_list(p)}",
        what=f"You are on {_list(p)} from {p.get('starts_on')}.",
        why=f"{_basis(p)}. You are listed because "
        f"{_words(p.get('rule'), RULE_NAMES)}. {p.get('term') or ''}".strip(),
        # from its first day, not "until": a listing warned late is told before it restricts
        means=f"From {p.get('starts_on')} until {until}, relying parties will refuse you "
        f"{activities(p.get('restricts'))}. "
        "Other services are not affected by this entry."
        + (f" {PUBLIC} {GRADE}" if p.get("published") else ""),
        can_do=f"{p.get('how_to_end') or 'Fulfil the obligation and file proof.'} If a record "
        "is wrong, dispute it; if an automated decision affects you, ask for human review.",
        links=_links(base, ("Your list entries", "/me#lists"), ("File proof", "/me#records")),
    )


def _restriction_lifted(p: dict[str, Any], base: str) -> Text:
    caveat = END_CAVEATS.get(str(p.get("reason") or "").partition(":")[0])
    return Text(
        title=f"You are no longer on {_list(p)}",
        what=f"Your entry on {_list(p)} ended on {p.get('ended_on')}.",
        why=f"It ended because {_words(p.get('reason'), END_REASONS)}. {_basis(p)}.",
        means=f"You may again use {activities(p.get('restricts'))}. Relying parties asking "
        "from now on are told you are not restricted."
        + (f" {UNPUBLISHED}" if p.get("published") else "")
        + (f" {caveat}" if caveat else ""),
        can_do="Nothing is needed. If a relying party still refuses you, show them this "
        "notice or your file.",
        links=_links(base),
    )


def _penalty(p: dict[str, Any]) -> str:
    """The penalty an entry rests on, in words ("decision D-1 of City Market Regulator, in
    food safety; record 12")."""
    said = " ".join(
        part
        for part in (
            f"decision {p['decision_number']}" if p.get("decision_number") else "",
            f"of {p['authority']}" if p.get("authority") else "",
        )
        if part
    )
    if p.get("domain"):
        said += f"{', ' if said else ''}in {_words(p['domain'], {})}"
    return f"{said}; {_basis(p)}" if said else _basis(p)


def _ending(p: dict[str, Any]) -> str:
    """How to end a published entry early: credit repair from its first day, or a dispute."""
    repair = f" You may apply from {p['repair_from']}." if p.get("repair_from") else ""
    return (
        f"{p.get('how_to_end') or 'Apply for credit repair in your file.'}{repair} If the "
        "penalty record is wrong, dispute it in your file: a disputed penalty is not used "
        "until its furnisher answers, so the entry ends at once."
    )


def _listing_published(p: dict[str, Any], base: str) -> Text:
    until = p.get("scheduled_end") or "the entry ends"
    return Text(
        title=f"Your organisation has been published on {_list(p)}",
        what=f"Your organisation is on {_list(p)} from {p.get('starts_on')} until {until}. "
        + PUBLIC,
        why=f"It rests on a penalty of the {p.get('tier')} tier ({_penalty(p)}). Every penalty "
        "of this tier in food, drug or construction safety is published for a fixed term.",
        means=f"{RESTRICTS_NOTHING} {GRADE} The entry ends on its own on {until}.",
        can_do=_ending(p),
        links=_links(
            base, ("Your list entries and credit repair", "/me#lists"), ("Dispute", "/me#records")
        ),
    )


def _publication_ended(p: dict[str, Any], base: str) -> Text:
    caveat = END_CAVEATS.get(str(p.get("reason") or "").partition(":")[0])
    return Text(
        title=f"Your organisation is no longer published on {_list(p)}",
        what=f"Your entry on {_list(p)} ended on {p.get('ended_on')}.",
        why=f"It ended because {_words(p.get('reason'), END_REASONS)}. {_basis(p)}.",
        means=f"{UNPUBLISHED} It restricted nothing, so relying parties' answers do not "
        "change." + (f" {caveat}" if caveat else ""),
        can_do="Nothing is needed.",
        links=_links(base, ("Your list entries", "/me#lists")),
    )


def _tier_changed(p: dict[str, Any], base: str) -> Text:
    until = p.get("scheduled_end") or "the entry ends"
    now, before = p.get("restricts") or [], p.get("restricted_before") or []
    if before and not now:
        means = (
            f"It restricts nothing any more: you may again use {activities(before)}, and "
            "relying parties asking from now on are told you are not restricted by it."
        )
    elif now:
        means = f"From now until {until}, relying parties will refuse you {activities(now)}."
    else:
        means = "It still restricts nothing."
    if p.get("published"):
        means += f" It stays on the public register until {until}."
    return Text(
        title=f"Your entry on {_list(p)} has changed",
        what=f"On {p.get('changed_on')} your entry on {_list(p)} moved from the "
        f"{p.get('tier_before')} tier to the {p.get('tier')} tier; it lasts until {until}.",
        why=f"The penalty it rests on ({_penalty(p)}) now has the {p.get('tier')} severity, "
        "which sets the tier.",
        means=means,
        can_do=_ending(p),
        links=_links(
            base, ("Your list entries and credit repair", "/me#lists"), ("Dispute", "/me#records")
        ),
    )


#: What a record deleted on a dispute (answered so, or unanswered) means.
GONE = (
    "The record is no longer used: a list entry resting on it ends at once; a city ledger "
    "takes its points out at once; your score, and an organisation's public grade, leave it "
    "out from the next refresh."
)


def _dispute(p: dict[str, Any], base: str) -> Text:
    state = p.get("state")
    what = {
        "open": f"Your dispute of record {p.get('record')} was opened; the furnisher must "
        f"answer by {p.get('deadline')}. If it does not, the record is deleted.",
        "verified": f"The furnisher checked record {p.get('record')} and says it is right.",
        "corrected": f"The furnisher corrected record {p.get('record')}.",
        "deleted": f"Record {p.get('record')} was deleted after your dispute.",
        "lapsed": f"The furnisher did not answer your dispute of record {p.get('record')} "
        "in time, so the record was deleted.",
    }.get(str(state), f"Your dispute of record {p.get('record')} is now {state}.")
    court_order = str(p.get("category") or "").startswith("court.")
    means = {
        "open": "While the dispute is open the record is shown as disputed in your file. "
        + (
            "It is a court order, so it stays in force until the court changes it."
            if court_order
            else "It is not used until the dispute is answered: a list entry resting on it "
            "ends at once, so restriction checks no longer count it; a city ledger leaves its "
            "points out at once; your score, and an organisation's public grade, leave it out "
            "from the next refresh."
        ),
        "verified": "The record stays in your file and counts as before.",
        **dict.fromkeys(("deleted", "lapsed"), GONE),
    }.get(str(state), "Your file and your score no longer use the old version of the record.")
    return Text(
        title="About your dispute",
        what=what,
        why=f"You disputed it: {p.get('reason') or 'see your file'}. {_basis(p)}.",
        means=means,
        can_do="If you still think the record is wrong, add a statement to it in your file "
        "or ask for human review of any decision it led to.",
        links=_links(base, ("Your records", "/me#records")),
    )


def _furnisher(p: dict[str, Any]) -> str:
    """The furnisher by name (``furnisher_name``); ``furnisher`` is its id (``fur_…``, or a
    number), never shown."""
    name = p.get("furnisher_name")
    if isinstance(name, str) and name.strip():
        return name.strip()
    return "The furnisher that reported it"


def _record_corrected(p: dict[str, Any], base: str) -> Text:
    change = p.get("change")
    record = f"record {p.get('record')} ({_words(p.get('category'), {})})"
    if change == "moved_away":  # never says whom it names now
        return Text(
            title="A record is no longer in your file",
            what=f"{_furnisher(p)} corrected {record}: it is no longer about you.",
            why=_basis(p) + ".",
            means="It no longer counts for you: list entries resting on it were checked "
            "again at once, and your score leaves it out from the next refresh.",
            can_do="Nothing is needed. If you think the record was about you after all, "
            "ask the furnisher.",
            links=_links(base, ("Your records", "/me#records")),
        )
    if change == "moved_in":
        return Text(
            title="A record about you was added to your file",
            what=f"{_furnisher(p)} corrected {record} to name you.",
            why=_basis(p) + ".",
            means="It counts in your file from now: in list checks at once, in your score "
            "from the next refresh.",
            can_do="If the record is not about you, dispute it in your file.",
            links=_links(base, ("Your records", "/me#records")),
        )
    return Text(
        title="A record about you was changed",
        what=f"{_furnisher(p)} {p.get('change', 'corrected')} record "
        f"{p.get('record')} ({_words(p.get('category'), {})}).",
        why=_basis(p) + ".",
        means=GONE
        if p.get("change") == "deleted"
        else "Your file shows the new version; the old one stays in its history.",
        can_do="Nothing is needed."
        if p.get("change") == "deleted"
        else "If the record is wrong, dispute it in your file.",
        links=_links(base, ("Your records", "/me#records")),
    )


def _review_decided(p: dict[str, Any], base: str) -> Text:
    return Text(
        title="Your request for human review was decided",
        what=f"A person reviewed the automated decision {p.get('decision_id')} and "
        + {"upheld": "upheld it.", "overturned": "overturned it."}.get(
            str(p.get("outcome")), f"decided: {_words(p.get('outcome'), {})}."
        ),
        why=p.get("note") or "The reviewer's note is in your file.",
        means="The decision stands."
        if p.get("outcome") == "upheld"
        else "Relying parties asking about that decision now get the reviewed answer.",
        can_do="If you disagree, you can dispute the records it rests on.",
        links=_links(base),
    )


def _repair_decided(p: dict[str, Any], base: str) -> Text:
    return Text(
        title="Your credit-repair application was decided",
        what=f"The operator {p.get('outcome')} your application for entry {p.get('entry_id')}.",
        why=p.get("reason") or "See the decision in your file.",
        means="An approved repair ends the entry's publication and restrictions; a rejected "
        "one leaves them until the entry ends.",
        can_do="You may apply again with new evidence.",
        links=_links(base, ("Your list entries", "/me#lists")),
    )


def _rating_decided(p: dict[str, Any], base: str) -> Text:
    domain, outcome, was = p.get("domain"), p.get("outcome"), p.get("rating_at_open")
    rating = f"your {domain} safety rating"
    if p.get("kind") == "appeal":
        title = "Your appeal against a safety rating was decided"
        what, means, can_do = {
            "upheld": (
                f"The operator upheld your appeal against {rating}: it is now "
                f"{p.get('rating')} / 5 (it was {was} / 5).",
                "The new rating is published at once and stands until a newer inspection.",
                "Nothing is needed.",
            ),
            "dismissed": (
                f"The operator dismissed your appeal against {rating}: {was} / 5 stands.",
                "The rating stays as published; a rating is appealed once per inspection.",
                "Publish a reply beside the rating, or ask to be re-rated once you have put "
                "things right.",
            ),
        }.get(str(outcome), (
            f"Your appeal against {rating} was closed undecided: a newer inspection was "
            "published.",
            "The rating now rests on the newer inspection, not the one you appealed.",
            "You may appeal the new rating within its own appeal window.",
        ))  # fmt: skip
    else:
        title = "Your request to be re-rated was closed"
        what = (
            f"The operator dismissed your request to be re-rated for {rating}."
            if outcome == "dismissed"
            else f"Your request to be re-rated for {rating} is done."
        )
        means = "Your rating shows the latest inspection published."
        can_do = (
            "You may ask again, saying what you have put right."
            if outcome == "dismissed"
            else "If the new rating is wrong, you may appeal it within its appeal window."
        )
    return Text(
        title=title,
        what=what,
        why=p.get("note") or "See the decision in your file.",
        means=means,
        can_do=can_do,
        # the file says where an organisation's grade and ratings are (its public page)
        links=_links(base, ("Where your ratings are", "/me#score-heading")),
    )


def _proof_decided(p: dict[str, Any], base: str) -> Text:
    accepted = p.get("outcome") == "accepted"
    return Text(
        title="Your proof of fulfilment was decided",
        what=f"Your proof of fulfilment {p.get('proof_id')} for record {p.get('record')} was "
        f"{p.get('outcome')}.",
        why=p.get("note") or "See the decision in your file.",
        means="It is kept as the court's record that the judgment is fulfilled: a warning or "
        "listing on that case ends at once, and with it what the listing restricted."
        if accepted
        else "Nothing changes: the record and any warning or listing on that case stay as "
        "they were.",
        can_do="Nothing is needed."
        if accepted
        else "You may send a new proof with other evidence; if the record is wrong, dispute "
        "it in your file.",
        links=_links(base, ("Your records and proofs", "/me#records")),
    )


def _scope(p: dict[str, Any]) -> str:
    """What a consent covers: its program by name, never a ``program:prg_…`` scope code."""
    if p.get("program"):
        return f"its program {p['program']}"
    if str(p.get("scope") or "").startswith("program:"):
        return "one of its programs"
    return _words(p.get("scope"), {}) or "a purpose"


def _consent_expiring(p: dict[str, Any], base: str) -> Text:
    return Text(
        title="A consent you gave is about to end",
        what=f"Your consent to {p.get('party') or 'a relying party'} for {_scope(p)} "
        f"ends on {p.get('expires_on')}.",
        why="You gave it with an end date; credo reminds you before it ends.",
        means="After that date the party can no longer ask about you for that purpose.",
        can_do="Let it end, or grant it again in your file if you want the service to go on.",
        links=_links(base, ("Your consents", "/me#consents")),
    )


def _inquiry(p: dict[str, Any], base: str) -> Text:
    return Text(
        title="Someone checked your file",
        what=f"{p.get('party') or 'A relying party'} asked about you on {p.get('asked_at')} "
        f"({p.get('question')}).",
        why=f"Purpose: {_words(p.get('purpose'), {}) or 'not stated'}; on the basis of "
        f"{p.get('basis') or 'your consent'}.",
        means=f"The party was told: {p.get('answer')}. It saw nothing else of your file.",
        can_do="If you did not expect this, withdraw the consent in your file or dispute it. "
        "You asked for these notices; you can turn them off in your inbox.",
        links=_links(base, ("Inquiries", "/me#inquiries")),
    )


def _signin(p: dict[str, Any], base: str) -> Text:
    return Text(
        title="Your sign-in link",
        what="Someone (we hope you) asked to sign in to your credo file.",
        why="Your identifier and this e-mail address, confirmed by an identity-verification "
        "furnisher, were given on the sign-in page.",
        means=f"The link works once, until {p.get('expires_at')}.",
        can_do="Open the link to sign in. If it was not you, ignore this e-mail: nobody can "
        "sign in without it.",
        links=[("Sign in", f"{base}/me/link/{p.get('token')}")],
    )


RENDER: dict[str, Callable[[dict[str, Any], str], Text]] = {
    "listing.warning": _listing_warning,
    "listing.entered": _listing_entered,
    "restriction.lifted": _restriction_lifted,
    "listing.published": _listing_published,
    "publication.ended": _publication_ended,
    "listing.tier_changed": _tier_changed,
    "dispute.changed": _dispute,
    "record.changed": _record_corrected,
    "review.decided": _review_decided,
    "repair.decided": _repair_decided,
    "proof.decided": _proof_decided,
    "rating.decided": _rating_decided,
    "consent.expiring": _consent_expiring,
    "inquiry.made": _inquiry,
    "signin.link": _signin,
}


def render(kind: str, payload: dict[str, Any], base_url: str) -> Text:
    """The person-facing text of a notice (a generic one for kinds without their own)."""
    base = base_url.rstrip("/")
    maker = RENDER.get(kind)
    if maker is not None:
        return maker(payload, base)
    return Text(
        title=f"Notice: {kind}",
        what=str(payload.get("summary") or kind),
        why=_basis(payload),
        means="See your file for details.",
        can_do="If something is wrong, dispute it in your file.",
        links=_links(base),
    )
