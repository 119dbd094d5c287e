"""Notice texts say things in words: no rule ids, codes or internal numbers (pure render)."""

from __future__ import annotations

import re

from credo.notices import texts

BASE = "https://credo.example"
_CODE = re.compile(r"\b[a-z]+_[a-z_]+\b|\b[a-z]+\.[a-z_]+\b(?!\.)")


def _body(text: texts.Text) -> str:
    return " ".join([text.title, text.what, text.why, text.means, text.can_do])


def test_listing_entered_says_the_rule_and_reason_in_words() -> None:
    text = texts.render(
        "listing.entered",
        {
            "list": "defaulter",
            "rule": "defaulter.court_listing",
            "case_number": "C-1",
            "term": "Ground: breaking an order restricting high spending. The court set no "
            "term, so the standard term of 36 months applies.",
            "starts_on": "2026-01-05",
            "scheduled_end": "2029-01-05",
            "restricts": ["air_travel", "star_hotel"],
        },
        BASE,
    )
    assert "defaulter.court_listing" not in text.why and "Rule:" not in text.why
    assert (
        "You are listed because a court judgment against you is not fulfilled and the court "
        "ordered the listing." in text.why
    )
    assert text.why.count("because") == 1
    assert "flying and star-rated hotels" in text.means
    assert not _CODE.search(_body(text)), _body(text)


def test_restriction_lifted_gives_the_reason_in_words() -> None:
    text = texts.render(
        "restriction.lifted",
        {"list": "defaulter", "reason": "delisted:court_order", "ended_on": "2026-02-01"},
        BASE,
    )
    assert "the court lifted the listing (court order)" in text.why
    assert not _CODE.search(_body(text)), _body(text)


def test_an_open_dispute_says_what_the_disputed_rule_does() -> None:
    court = texts.render(
        "dispute.changed",
        {"state": "open", "record": "J-1", "category": "court.judgment", "deadline": "2026-02-01"},
        BASE,
    )
    loan = texts.render(
        "dispute.changed",
        {"state": "open", "record": "L-1", "category": "loan.default", "deadline": "2026-02-01"},
        BASE,
    )
    assert "stays in force" in court.means and "not used" not in court.means
    assert "It is not used" in loan.means and "stays in force" not in loan.means


def test_record_changed_names_no_furnisher_number_or_category_code() -> None:
    text = texts.render(
        "record.changed",
        {"change": "corrected", "record": "L-1", "category": "loan.default", "furnisher": 7},
        BASE,
    )
    assert text.what == "The furnisher that reported it corrected record L-1 (loan default)."


def test_activity_names_read_for_a_person_and_an_organisation() -> None:
    # the public organisation page shows them too: no "your children"
    assert texts.activities(["private_school"]) == "high-fee private schools"
    assert not [name for name in texts.ACTIVITY_NAMES.values() if "your" in name]


def test_a_consent_notice_names_the_program_not_its_scope_code() -> None:
    base = {
        "party": "Car Rental Co",
        "scope": "program:prg_a1ca3ade794f",
        "expires_on": "2027-03-02",
    }
    named = texts.render("consent.expiring", {**base, "program": "Deposit-free rental"}, BASE)
    assert named.what == (
        "Your consent to Car Rental Co for its program Deposit-free rental ends on 2027-03-02."
    )
    unnamed = texts.render("consent.expiring", base, BASE)
    assert "prg_" not in unnamed.what and "one of its programs" in unnamed.what


def test_a_review_outcome_reads_as_a_sentence() -> None:
    upheld = texts.render("review.decided", {"decision_id": "dec_1", "outcome": "upheld"}, BASE)
    assert upheld.what == "A person reviewed the automated decision dec_1 and upheld it."
    assert upheld.means == "The decision stands."
    overturned = texts.render(
        "review.decided", {"decision_id": "dec_1", "outcome": "overturned"}, BASE
    )
    assert overturned.what.endswith("and overturned it.")
    assert "reviewed answer" in overturned.means
