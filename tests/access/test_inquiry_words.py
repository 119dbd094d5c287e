"""The "someone checked your file" notice asks the question the answer answers, in words."""

from __future__ import annotations

from credo.access.notify import question_text
from credo.notices import texts


def test_a_restriction_question_matches_its_answer() -> None:
    # a restriction check's answer is True when restricted: the question must say so
    question = question_text("restriction", "air_travel", None)
    assert question == "whether you are restricted from flying"
    text = texts.render(
        "inquiry.made",
        {
            "party": "Air Co",
            "asked_at": "2026-12-01 10:00 UTC",
            "question": question,
            "purpose": "ticket_sale",
            "basis": "a legal mandate",
            "answer": "yes",
        },
        "https://credo.example",
    )
    assert "(whether you are restricted from flying)" in text.what
    assert "Purpose: ticket sale;" in text.why and "The party was told: yes." in text.means


def test_an_eligibility_question_names_the_program() -> None:
    assert question_text("eligibility", None, "Deposit-free rental") == (
        "whether you are eligible for its program Deposit-free rental"
    )
