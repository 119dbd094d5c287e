"""The public register API: search, organisation record, caching, rate limit, bad input;
and the organisation's answers (/v1/me/ratings) and the operator's decisions."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker
from stdnum.cn import uscc as stdnum_uscc

from credo.config import Settings
from credo.subjects.service import identify, resolve_many
from tests.register.fixtures import Registry, api, get_json, registry
from tests.web.seed import FOODS, ORGS, PERSON_ID

__all__ = ["api", "registry"]  # fixtures used below
PUBLIC = "/v1/public/organisations"


def test_search_by_name_words_code_and_prefix_with_grades(api: TestClient) -> None:
    body = get_json(api, PUBLIC, params={"q": "beijing foo"})
    assert [h["uscc"] for h in body["hits"]] == [FOODS]
    hit = body["hits"][0]
    assert hit["grade"] == "C" and hit["ratings"]["food"]["rating"] == 3
    assert hit["ratings"]["food"]["inspection_on"] and hit["ratings"]["food"]["status"] == "rated"
    assert get_json(api, PUBLIC, params={"q": FOODS})["hits"][0]["uscc"] == FOODS
    prefix = get_json(api, PUBLIC, params={"q": "9131"})
    assert [h["name"] for h in prefix["hits"]] == ["Shanghai Harbour Construction Co"]
    assert get_json(api, PUBLIC, params={"q": ""})["hits"] == []


def test_search_is_paginated(api: TestClient, factory: sessionmaker[Session]) -> None:
    codes = []
    for n in range(45):
        base = f"9111000070{n:07d}"
        codes.append(base + stdnum_uscc.calc_check_digit(base))
    with factory() as s, s.begin():
        resolve_many(session=s, identities=[(identify("cn_uscc", c), f"Paging Trading {i}")
                                            for i, c in enumerate(codes)])
    first = get_json(api, PUBLIC, params={"q": "paging trading"})
    assert len(first["hits"]) == 20 and first["next_page"] == 2 and first["per_page"] == 20
    third = get_json(api, PUBLIC, params={"q": "paging trading", "page": 3})
    assert len(third["hits"]) == 5 and third["next_page"] is None
    seen = {h["uscc"] for p in (1, 2, 3)
            for h in get_json(api, PUBLIC, params={"q": "paging", "page": p})["hits"]}
    assert seen == set(codes)
    assert all(h["grade"] is None for h in third["hits"])  # not graded until the next refresh
    assert api.get(PUBLIC, params={"q": "x", "page": 0}).status_code == 422
    assert api.get(PUBLIC, params={"q": "x", "page": 51}).status_code == 422


def test_organisation_record_is_everything_the_page_shows(api: TestClient) -> None:
    body = get_json(api, f"{PUBLIC}/{FOODS}")
    assert body["name"] == ORGS[FOODS] and body["grade"]["grade"] == "C"
    assert {r["rule"] for r in body["grade"]["reasons"]} >= {"court_judgment",
                                                             "list:serious_violator"}
    assert body["ratings"][0]["domain"] == "food" and body["ratings"][0]["appeal_until"]
    assert body["lists"][0]["list"] == "serious_violator"
    keys = [g["key"] for g in body["groups"]]
    assert keys[:3] == ["licences", "penalties", "inspections"]
    penalties = next(g for g in body["groups"] if g["key"] == "penalties")["records"]
    assert penalties[0]["fields"]["decision_number"] == "JS-2026-17"
    page = api.get(f"/org/{FOODS}").text
    assert "Grade <strong" in page and ">C</strong>" in page and "JS-2026-17" in page


@pytest.mark.parametrize(
    ("code", "reason"),
    [("91110000600037341X", "malformed"), ("not-a-code", "malformed"),
     ("91110000600037342" + stdnum_uscc.calc_check_digit("91110000600037342"), "unknown"),
     (PERSON_ID, "malformed"), ("9" * 64, "malformed")],
)
def test_malformed_or_unknown_code_is_404_with_the_reason(
    api: TestClient, code: str, reason: str
) -> None:
    r = api.get(f"{PUBLIC}/{code}")
    assert r.status_code == 404, r.text
    error = r.json()["error"]
    assert error["details"][0]["reason"] == reason and error["details"][0]["field"] == "uscc"
    assert PERSON_ID not in r.text or code == PERSON_ID
    assert api.get(f"{PUBLIC}/{'9' * 65}").status_code in (404, 422)


@pytest.mark.parametrize(
    ("query", "found"),
    [('"', False), ('"beijing', True), ("beij*", True), ("* OR *", False),
     ("beijing NEAR foods", False), ("NEAR(beijing foods)", False), ("((beijing", True),
     ("beijing)", True), ("-beijing", True), ("beijing:foods", True), ("^foods", True),
     ("'; DROP TABLE x; --", False), ("北京", False), ("a" * 200, False)],
)  # a NUL in q is 422 naming q, as in any parameter (tests/api/test_nul_and_strict_values.py)
def test_fts_syntax_is_searched_literally_never_a_500(
    api: TestClient, query: str, found: bool
) -> None:
    """Operators are words like any other ("near" must match a word): literal search."""
    r = api.get(PUBLIC, params={"q": query})
    assert r.status_code == 200, r.text
    assert (FOODS in {h["uscc"] for h in r.json()["hits"]}) is found


def test_a_10000_character_query_is_a_clear_error(api: TestClient) -> None:
    r = api.get(PUBLIC, params={"q": "b" * 10_000})
    assert r.status_code == 422
    error = r.json()["error"]
    assert "at most 200" in error["message"] and error["details"][0]["field"] == "q"


def test_etag_and_conditional_requests(api: TestClient, registry: Registry) -> None:
    for url in (f"{PUBLIC}/{FOODS}", f"{PUBLIC}?q=beijing", "/v1/public/grade-policy"):
        first = api.get(url)
        tag = first.headers["etag"]
        assert first.status_code == 200 and "max-age" in first.headers["cache-control"]
        again = api.get(url, headers={"If-None-Match": tag})
        assert again.status_code == 304 and again.content == b"" and again.headers["etag"] == tag
        assert api.get(url, headers={"If-None-Match": '"other"'}).status_code == 200
    before = api.get(f"{PUBLIC}/{FOODS}").headers["etag"]
    r = api.post("/v1/me/ratings/food/reply", json={"text": "Kitchen rebuilt in October."},
                 headers=registry.org_headers)
    assert r.status_code == 201, r.text
    changed = api.get(f"{PUBLIC}/{FOODS}", headers={"If-None-Match": before})
    assert changed.status_code == 200 and changed.headers["etag"] != before
    assert changed.json()["ratings"][0]["reply"]["text"] == "Kitchen rebuilt in October."


def test_per_address_rate_limit(engine: Engine, registry: Registry,
                                monkeypatch: pytest.MonkeyPatch) -> None:
    from credo.api.app import create_app

    monkeypatch.setenv("CREDO_PUBLIC_RATE", "0.01")
    monkeypatch.setenv("CREDO_PUBLIC_BURST", "3")
    with TestClient(create_app(Settings(), engine=engine)) as client:
        first = client.get(f"{PUBLIC}/{FOODS}")
        tag = {"If-None-Match": first.headers["etag"]}
        codes = [client.get(f"{PUBLIC}/{FOODS}", headers=tag).status_code for _ in range(3)]
        assert [first.status_code, *codes] == [200, 304, 304, 429]  # 304s count too
        limited = client.get(PUBLIC, params={"q": "x"})
        assert limited.status_code == 429 and int(limited.headers["retry-after"]) >= 1


def test_openapi_describes_the_public_endpoints(api: TestClient) -> None:
    paths = api.get("/openapi.json").json()["paths"]
    assert "get" in paths[PUBLIC] and "get" in paths[PUBLIC + "/{uscc}"]
    params = {p["name"] for p in paths[PUBLIC]["get"]["parameters"]}
    assert {"q", "page"} <= params
    assert {"304", "429"} <= set(paths[PUBLIC + "/{uscc}"]["get"]["responses"])
    assert "/v1/me/ratings/{domain}/appeal" in paths
    assert "/v1/admin/register/requests/{request_id}/decision" in paths


def test_grade_policy_is_published(api: TestClient) -> None:
    r = api.get("/v1/public/grade-policy")
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/plain")
    assert 'scheme = "register"' in r.text and r.headers["x-policy-version"] == "2"


def test_appeal_and_rerating_through_the_api(api: TestClient, registry: Registry) -> None:
    org = registry.org_headers
    r = api.post("/v1/me/ratings/food/appeal", json={"reason": "Wrong premises inspected."},
                 headers=org)
    assert r.status_code == 201, r.text
    appeal_id = r.json()["id"]
    assert r.json()["state"] == "open" and r.json()["rating_at_open"] == 3
    assert get_json(api, f"{PUBLIC}/{FOODS}")["ratings"][0]["status"] == "under appeal"
    assert get_json(api, PUBLIC, params={"q": "beijing"})["hits"][0]["ratings"]["food"][
        "status"] == "under appeal"
    again = api.post("/v1/me/ratings/food/appeal", json={"reason": "again"}, headers=org)
    assert again.status_code == 409
    r = api.post("/v1/me/ratings/food/rerating", json={"reason": "Hoods replaced."}, headers=org)
    assert r.status_code == 201
    mine = get_json(api, "/v1/me/ratings", headers=org)
    assert {q["kind"] for q in mine["requests"]} == {"appeal", "rerating"}
    queue = get_json(api, "/v1/admin/register/requests", headers=registry.operator)
    assert {q["id"] for q in queue} >= {appeal_id}
    assert api.get("/v1/admin/register/requests").status_code == 401
    bad = api.post(f"/v1/admin/register/requests/{appeal_id}/decision",
                   json={"outcome": "done"}, headers=registry.operator)
    assert bad.status_code == 422 and "upheld, dismissed" in bad.json()["error"]["message"]
    r = api.post(f"/v1/admin/register/requests/{appeal_id}/decision",
                 json={"outcome": "upheld", "rating": 4, "note": "premises confused"},
                 headers=registry.operator)
    assert r.status_code == 200, r.text
    food = get_json(api, f"{PUBLIC}/{FOODS}")["ratings"][0]
    assert food["rating"] == 4 and food["status"] == "rated"
    assert food["rerating_requested_on"] is not None


def test_answers_need_an_organisation_token(api: TestClient, registry: Registry) -> None:
    person = {"Authorization": f"Bearer {registry.seeded.token}"}
    r = api.post("/v1/me/ratings/food/appeal", json={"reason": "x"}, headers=person)
    assert r.status_code == 403
    assert api.post("/v1/me/ratings/food/appeal", json={"reason": "x"}).status_code == 401
    r = api.post("/v1/me/ratings/drug/appeal", json={"reason": "x"},
                 headers=registry.org_headers)
    assert r.status_code == 404 and "no drug safety rating" in r.text
    r = api.post("/v1/me/ratings/food/reply", json={"text": ""}, headers=registry.org_headers)
    assert r.status_code == 422


def test_amounts_are_exact_to_the_cent(api: TestClient, factory: sessionmaker[Session]) -> None:
    """The public record's amounts come from integer minor units without a float: the
    largest amount intake takes (999,999,999,999,999.99) was answered as 1000000000000000.00."""
    from sqlalchemy import update

    from credo.records.models import Record

    with factory() as s, s.begin():
        s.execute(
            update(Record)
            .where(Record.amount_minor == 8_200_000)
            .values(amount_minor=99_999_999_999_999_999)
        )
    body = get_json(api, f"{PUBLIC}/{FOODS}")
    amounts = [r["amount"] for g in body["groups"] for r in g["records"] if r.get("amount")]
    assert "999999999999999.99" in amounts, amounts
