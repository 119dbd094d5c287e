"""Policy files: the example is valid; every kind of bad input names file, line and reason."""

from __future__ import annotations

import pytest

from credo.ledgers.policy import GRADES, PolicyError, parse, read
from tests.ledgers.conftest import EXAMPLE, HEAD, policy, policy_text, rule

TRAFFIC = '{ field = "domain", op = "==", value = "traffic" }'


def problems(text: str) -> list[tuple[int, str]]:
    with pytest.raises(PolicyError) as caught:
        parse(text, "bad.toml")
    err = caught.value
    assert err.code == "invalid_policy"
    assert err.message.startswith(f"bad.toml:{err.problems[0].line}: ")
    return [(p.line, p.reason) for p in err.problems]


def line_of(text: str, needle: str) -> int:
    return next(i for i, line in enumerate(text.splitlines(), 1) if needle in line)


def test_example_policy_is_valid() -> None:
    pol = read(str(EXAMPLE))
    assert pol.scheme == "city" and pol.base == 1000
    points = {r.id: r.points for r in pol.rules}
    assert points == {
        "traffic_penalty": -5,
        "unfulfilled_judgment": -50,
        "tax_arrears": -20,
        "commendation": 30,
    }
    assert all(r.legal_basis for r in pol.rules)
    assert [b.grade for b in pol.bands] == list(GRADES)


def test_default_bands() -> None:
    pol = policy(rule("t", "penalty.imposed", -5, when=TRAFFIC))
    expected = {1050: "AAA", 1049: "AA", 1030: "AA", 1029: "A", 960: "A", 959: "B"}
    expected |= {850: "B", 849: "C", 600: "C", 599: "D", -10_000: "D", 10_000: "AAA"}
    assert {b: pol.grade(b) for b in expected} == expected


def test_malformed_toml_names_its_line() -> None:
    text = policy_text(rule("t", "penalty.imposed", -5)) + "points = = 3\n"
    [(line, reason)] = problems(text)
    assert line == len(text.splitlines()) and "not valid TOML" in reason


def test_unknown_category_is_refused_on_its_line() -> None:
    text = policy_text(rule("ok", "commendation", 5), rule("bad", "social.media", -5))
    [(line, reason)] = problems(text)
    assert line == line_of(text, '"social.media"')
    assert "never collected" in reason or "not in the catalogue" in reason
    [(_, reason)] = problems(policy_text(rule("bad", "loan.bogus", -5)))
    assert "'loan.bogus' is not in the catalogue" in reason


def test_integrity_only_category_is_refused() -> None:
    [(_, reason)] = problems(policy_text(rule("bad", "payment.transfer", -5)))
    assert "integrity checks only" in reason


def test_unknown_field_is_refused() -> None:
    text = policy_text(
        rule("t", "penalty.imposed", -5, when='{ field = "colour", op = "==", value = "red" }')
    )
    [(line, reason)] = problems(text)
    assert line == line_of(text, '"colour"') and "'colour' is not a field" in reason


def test_missing_legal_basis_is_refused() -> None:
    text = policy_text(rule("a", "commendation", 5), rule("nobasis", "tax.arrears", -20, basis=""))
    [(line, reason)] = problems(text)
    assert "legal_basis is required" in reason and "nobasis" in reason
    assert line == line_of(text, 'id = "nobasis"') - 1  # the rule's [[rules]] header


@pytest.mark.parametrize(
    ("when", "message"),
    [
        ('{ field = "domain", op = "~=", value = "traffic" }', "operator '~='"),
        ('{ field = "domain", op = "<", value = "traffic" }', "does not apply to string"),
        ('{ field = "domain", op = "==", value = "parking" }', "is not one of 'domain''s choices"),
        ('{ field = "domain", op = "in", value = [] }', "non-empty list"),
        ('{ field = "domain", op = "==", value = 3 }', "is not a string"),
    ],
)
def test_bad_conditions(when: str, message: str) -> None:
    [(_, reason)] = problems(policy_text(rule("t", "penalty.imposed", -5, when=when)))
    assert message in reason


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("points", "0", "non-zero"),
        ("months", "0", "from 1 to 120"),
        ("points", '"five"', "non-zero whole number"),
    ],
)
def test_bad_points_and_months(field: str, value: str, message: str) -> None:
    text = policy_text(rule("t", "commendation", 5)).replace(
        f"{field} = {5 if field == 'points' else 12}", f"{field} = {value}"
    )
    [(line, reason)] = problems(text)
    assert message in reason and line == line_of(text, f"{field} = {value}")


def _bands(*bands: tuple[str, int | None, int | None]) -> str:
    out = []
    for grade, low, high in bands:
        out.append(f'[[grades]]\ngrade = "{grade}"')
        if low is not None:
            out.append(f"min = {low}")
        if high is not None:
            out.append(f"max = {high}")
    return "\n".join(out) + "\n"


def test_overlapping_bands_are_refused_naming_the_line() -> None:
    bands = _bands(("AAA", 1050, None), ("AA", 1000, 1060), ("D", None, 999))
    text = HEAD.format(version=1) + bands + rule("c", "commendation", 5)
    [(line, reason)] = problems(text)
    assert "overlaps AAA" in reason and line == line_of(text, "max = 1060")


def test_gapped_bands_are_refused_naming_the_line() -> None:
    bands = _bands(("AAA", 1050, None), ("A", 900, 1000), ("D", None, 899))
    text = HEAD.format(version=1) + bands + rule("c", "commendation", 5)
    [(line, reason)] = problems(text)
    assert "gap between grade A (max 1000) and AAA" in reason
    assert line == line_of(text, "max = 1000")


def test_bands_must_be_open_at_both_ends_and_best_first() -> None:
    text = HEAD.format(version=1) + _bands(("AAA", 1050, 2000), ("D", 0, 1049))
    reasons = " | ".join(r for _, r in problems(text + rule("c", "commendation", 5)))
    assert "must have no max" in reasons and "must have no min" in reasons
    text = HEAD.format(version=1) + _bands(("D", None, 999), ("AAA", 1000, None))
    reasons = " | ".join(r for _, r in problems(text + rule("c", "commendation", 5)))
    assert "best first" in reasons


def test_unknown_keys_and_duplicate_rule_ids() -> None:
    text = policy_text(rule("a", "commendation", 5), rule("a", "commendation", 6))
    [(line, reason)] = problems(text)
    assert "used by an earlier rule" in reason
    assert line == [i for i, s in enumerate(text.splitlines(), 1) if s == 'id = "a"'][1]
    reasons = [r for _, r in problems("colour = 1\n" + policy_text(rule("a", "commendation", 5)))]
    assert any("unknown key 'colour'" in r for r in reasons)


def test_policy_without_rules_or_with_bad_scheme() -> None:
    reasons = [r for _, r in problems('scheme = "Bad Scheme"\nversion = 0\n')]
    assert any("scheme" in r for r in reasons)
    assert any("version" in r for r in reasons)
    assert any("at least one [[rules]]" in r for r in reasons)


def test_a_scheme_or_rule_id_with_a_trailing_newline_is_refused() -> None:
    """``$`` let a final newline through ("city\\n" stored as a scheme): ``\\Z`` does not."""
    reasons = [r for _, r in problems('scheme = "city\\n"\nversion = 1\n')]
    assert any("scheme 'city\\n'" in r for r in reasons), reasons
    text = policy_text(rule("a", "commendation", 5)).replace('id = "a"', 'id = "a\\n"')
    assert any("'a\\n'" in r for _, r in problems(text))


def test_ends_with_must_name_a_shared_text_field() -> None:
    extra = 'ends_with = { category = "court.fulfilment", field = "court_name" }'
    [(_, reason)] = problems(policy_text(rule("j", "court.judgment", -50, extra=extra)))
    assert "'court_name' is not a text field of 'court.fulfilment'" in reason


def test_every_operator_parses_with_typed_values() -> None:
    whens = [
        '{ field = "days_late", op = ">=", value = 30 }',
        '{ field = "days_late", op = "<", value = 90 }',
        '{ field = "due_on", op = ">", value = 2025-01-01 }',
        '{ field = "loan_id", op = "in", value = ["L-1", "L-2"] }',
    ]
    pol = policy(rule("late", "loan.repayment", -3, when=", ".join(whens)))
    conditions = pol.rules[0].when
    assert [(c.op, c.value) for c in conditions] == [
        (">=", 30),
        ("<", 90),
        (">", "2025-01-01"),
        ("in", ("L-1", "L-2")),
    ]
