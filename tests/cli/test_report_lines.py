"""``credo report`` prints list entries in words: activities, and a remedy only while live."""

from __future__ import annotations

from credo.cli.rights import _entry_line

ENTRY = {
    "list_title": "Judgment-defaulter list",
    "ref": "C-1",
    "starts_on": "2026-01-05",
    "scheduled_end": None,
    "restricts": ["air_travel", "star_hotel"],
    "how_to_end": "Fulfil the judgment.",
}


def test_an_active_entry_names_its_restrictions_in_words() -> None:
    line = _entry_line({**ENTRY, "state": "active"})
    assert "restricts: flying and star-rated hotels" in line and "air_travel" not in line
    assert "how to end it: Fulfil the judgment." in line


def test_an_ended_entry_has_no_remedy() -> None:
    line = _entry_line({**ENTRY, "state": "ended", "ended_on": "2026-03-01", "restricts": []})
    assert "until 2026-03-01" in line and "how to end it" not in line
