"""The reference signature check refuses, never crashes on, a hostile header."""

from __future__ import annotations

import time

import pytest

from credo.notices import webhooks

SECRET = "whsec_test"
BODY = b'{"id":"k","type":"decision.reviewed"}'


def test_a_signature_made_now_verifies_and_a_tampered_one_does_not() -> None:
    now = int(time.time())
    header = webhooks.sign(SECRET, now, BODY)
    assert webhooks.verify(SECRET, header, BODY)
    assert not webhooks.verify(SECRET, header, BODY + b" ")
    assert not webhooks.verify(SECRET, webhooks.sign(SECRET, now - 301, BODY), BODY)


@pytest.mark.parametrize(
    "v1",
    ["é", "\u00e9" * 64, "ｆ" * 64, "\x00"],
    ids=["accent", "accents", "fullwidth", "nul"],
)
def test_a_non_ascii_or_nul_signature_is_refused_not_a_crash(v1: str) -> None:
    header = f"t={int(time.time())},v1={v1}"
    assert webhooks.verify(SECRET, header, BODY) is False


@pytest.mark.parametrize("header", ["", "t", "t=,v1=", "v1=abc", "t=abc,v1=abc", "t=1=2,v1"])
def test_a_malformed_header_is_refused(header: str) -> None:
    assert webhooks.verify(SECRET, header, BODY) is False
