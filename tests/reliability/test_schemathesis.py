"""Schemathesis, in process, against the OpenAPI schema: every endpoint, valid and invalid input.

Each operation gets the credential its tag names (furnisher key, relying-party key, subject
token, operator key); checks: no 5xx, responses match the schema, schema-invalid requests
answer 4xx, and no secured endpoint accepts a missing, wrong or other role's credential.
"""

from __future__ import annotations

import json
import random
import re
from collections import Counter
from collections.abc import Callable
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable
from pydantic import SecretStr
from schemathesis import GenerationMode
from schemathesis.specs.openapi.checks import positive_data_acceptance
from sqlalchemy.orm import Session

from credo.access import parties
from credo.api.app import create_app
from credo.config import get_settings
from credo.core.db import make_engine
from credo.furnishers import service as furnishers
from credo.models import metadata
from credo.subjects import tokens
from tests.api.helpers import make_ric
from tests.reliability.settings import pick

pytestmark = pytest.mark.slow
OPERATOR_KEY = "operator-key-for-schemathesis"
ROLE_OF_TAG = {"furnisher": "furnisher", "subject": "subject", "operator": "operator",
               "relying party": "party"}  # fmt: skip


def build(*, throttle: bool = False) -> tuple[Any, dict[str, str]]:
    """The app on a seeded in-memory store; ``throttle`` keeps CREDO_AUTH_FAILURES on (off,
    Schemathesis's wrong-credential probes would soon answer every later case 429)."""
    engine = make_engine("sqlite://")
    metadata.create_all(engine)
    update: dict[str, Any] = {"operator_key": SecretStr(OPERATOR_KEY)}
    if not throttle:
        update["auth_failures"] = 0
    app_settings = get_settings().model_copy(update=update)
    app = create_app(app_settings, engine=engine)
    ric = make_ric(random.Random(1))
    with Session(engine) as s, s.begin():
        _, fkey = furnishers.add(session=s, name="Bank", kind="bank",
                                 categories=["loan.repayment", "loan.default"])  # fmt: skip
        _, pkey = parties.add(session=s, name="Car Rental", activities=["air_travel"],
                              purposes=["deposit_free_rental"])  # fmt: skip
    from fastapi.testclient import TestClient

    with TestClient(app) as client:
        answer = client.post(
            "/v1/records",
            headers={"Authorization": f"Bearer {fkey}"},
            json={"records": [{
                "external_id": "st-1", "category": "loan.repayment",
                "subject": {"scheme": "cn_ric", "id": ric}, "occurred_on": "2026-03-01",
                "amount": "10.00", "currency": "CNY", "fields": {"loan_id": "L", "days_late": 0},
            }]},
        )  # fmt: skip
        assert answer.status_code < 300, answer.text
    with Session(engine) as s, s.begin():
        _, token, _ = tokens.issue(session=s, scheme="cn_ric", value=ric, days=30)
    keys = {"furnisher": fkey, "party": pkey, "subject": token, "operator": OPERATOR_KEY}
    return app, keys


def role_of(operation: Any) -> str | None:
    tags = operation.definition.raw.get("tags", [])
    if not operation.definition.raw.get("security"):
        return None
    for tag in tags:
        if tag in ROLE_OF_TAG:
            return ROLE_OF_TAG[tag]
    raise AssertionError(f"{operation.label}: secured but no role tag")


def run_operation(
    operation: Any, mode: GenerationMode, examples: int, call: Callable[[Any], None]
) -> None:
    @given(case=operation.as_strategy(generation_mode=mode))
    @settings(max_examples=examples, deadline=None, database=None, derandomize=True,
              suppress_health_check=list(HealthCheck))  # fmt: skip
    def inner(case: Any) -> None:
        call(case)

    try:
        inner()
    except Unsatisfiable:  # no input of this operation can be made schema-invalid
        assert mode is GenerationMode.NEGATIVE, operation.label


def test_every_endpoint_positive_and_negative() -> None:
    app, keys = build()
    schema = schemathesis.openapi.from_asgi("/openapi.json", app)
    per_op = pick(6, 180)
    counted: Counter[str] = Counter()
    failures: list[str] = []
    operations = [r.ok() for r in schema.get_all_operations()]
    assert len(operations) >= 25

    for operation in operations:
        role = role_of(operation)
        headers = {"Authorization": f"Bearer {keys[role]}"} if role else {}

        def call(
            case: Any, mode: GenerationMode, operation: Any = operation, headers: Any = headers
        ) -> None:
            counted[mode.value] += 1
            try:
                response = case.call(headers=headers)
            except Exception as exc:  # TestClient re-raises what would be a 500
                counted["status 5xx"] += 1
                failures.append(f"{operation.label} [{mode.value}]: 500 {exc!r}"[:400])
                return
            counted[f"status {response.status_code // 100}xx"] += 1
            try:
                # Schema-valid is not domain-valid (an empty batch, an unknown subject): those
                # are 4xx by design, so positive_data_acceptance does not apply.
                case.validate_response(
                    response, headers=headers, excluded_checks=[positive_data_acceptance]
                )
            except BaseException as exc:  # collect all, report together
                failures.append(f"{operation.label} [{mode.value}]: {str(exc)[:400]}")

        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            run_operation(operation, mode, per_op, lambda c, m=mode: call(c, m))

    print(f"schemathesis cases: {dict(counted)}")
    distinct = list(dict.fromkeys(failures))  # the same finding repeats across cases
    assert not distinct, f"{len(distinct)} distinct findings:\n" + "\n".join(distinct[:20])
    assert counted["positive"] + counted["negative"] >= len(operations) * 2


def _holds_nul(case: Any) -> bool:
    """Whether a generated request's path, query or body holds a NUL character."""
    parts = [case.path_parameters, case.query, case.body]
    return "\\u0000" in json.dumps(parts, default=str)


def test_no_secured_endpoint_accepts_missing_wrong_or_foreign_credentials() -> None:
    app, keys = build(throttle=True)
    schema = schemathesis.openapi.from_asgi("/openapi.json", app)
    checked = 0
    for operation in (r.ok() for r in schema.get_all_operations()):
        role = role_of(operation)
        if role is None:
            continue
        wrong = [None, "Bearer nonsense", f"Bearer {keys[role]}x", f"Basic {keys[role]}",
                 *(f"Bearer {k}" for r, k in keys.items() if r != role)]  # fmt: skip

        def attempt(case: Any, operation: Any = operation, wrong: list[Any] = wrong) -> None:
            nonlocal checked
            for credential in wrong:
                case.headers = {k: v for k, v in (case.headers or {}).items()
                                if k.lower() != "authorization"}  # fmt: skip
                headers = {"Authorization": credential} if credential else {}
                response = case.call(headers=headers)
                checked += 1
                # 429: the failed-credential throttle (CREDO_AUTH_FAILURES) refuses it unchecked;
                # 422: a NUL in the request's text is refused before any route, like non-strict
                # JSON (api/nul.py), and says nothing about the credential
                refused = (401, 403, 429, 422) if _holds_nul(case) else (401, 403, 429)
                assert response.status_code in refused, (
                    f"{operation.label} answered {response.status_code} to {credential!r}"
                )

        run_operation(operation, GenerationMode.POSITIVE, pick(2, 20), attempt)
    assert checked > 0


# --- hostile input (issue 18): every JSON body and path parameter, with values a strict
# parser must refuse, and bodies over the size limit ------------------------------------

HOSTILE_VALUES = [
    "NaN", "Infinity", "-Infinity", "1e999", "-1e999", "1" * 5000,
    '"\\ud800"', '"x\\udfffy"', '"\\udc00\\ud800"',
    "[" * 3000 + "]" * 3000,  # deep nesting
]  # fmt: skip
# Valid JSON, so not refused as such: a huge value may be accepted where the field is free
# text or ignored (an endpoint that ignores unknown keys), but it must never be echoed whole;
# never-collected names must be refused where records are taken in.
ODD_VALUES = [
    json.dumps("x" * 300_000),
    '{"Religion": 1, "a": {"ｈｅａｌｔｈ": 2}}',
]
HOSTILE_KEYS = ['"\\ud800"', '"a\\udfff"']
HOSTILE_PATH = ["%ED%A0%80", "%FF%FE", "x" * 5000, "a%2Fb", "..", "%00", "1e999", "NaN"]
MARK = "__credo_hostile__"
MAX_ANSWER = 16 * 1024


def _leaves(value: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    if isinstance(value, dict) and value:
        return [p for k, v in value.items() for p in _leaves(v, (*path, k))]
    if isinstance(value, list) and value:
        return [p for i, v in enumerate(value) for p in _leaves(v, (*path, i))]
    return [path]


def inject(body: Any, rng: random.Random) -> tuple[bytes, str]:
    """The body as JSON with one hostile value (or key) at a random place; and what it was."""
    if not isinstance(body, dict | list):
        body = {}
    body = json.loads(json.dumps(body))
    if rng.random() < 0.15 and isinstance(body, dict):
        raw = rng.choice(HOSTILE_KEYS)
        body[MARK] = 1
        return json.dumps(body).replace(f'"{MARK}"', raw).encode(), f"key {raw}"
    raw = rng.choice(HOSTILE_VALUES + ODD_VALUES)
    paths = _leaves(body)
    path = rng.choice(paths) if paths else ()
    if not path:
        if isinstance(body, dict):
            body["x"] = MARK
        else:
            body = [MARK]
    else:
        target = body
        for part in path[:-1]:
            target = target[part]
        target[path[-1]] = MARK
    return json.dumps(body).replace(f'"{MARK}"', raw).encode(), raw[:40]


def _check_answer(label: str, response: Any, failures: list[str], strict_4xx: bool) -> None:
    status = response.status_code
    if status >= 500 or (strict_4xx and not 400 <= status < 500):
        failures.append(f"{label}: {status} {response.text[:200]}")
        return
    if len(response.content) > MAX_ANSWER:
        failures.append(f"{label}: answer of {len(response.content)} bytes")
    if response.headers.get("content-type", "").startswith("application/json"):
        try:
            json.loads(response.content, parse_constant=lambda c: 1 / 0)
        except (ValueError, ZeroDivisionError):
            failures.append(f"{label}: answer is not strict JSON")


def test_every_endpoint_under_hostile_input() -> None:
    """No 5xx, a 4xx for every non-strict body, short strict-JSON answers, 413 over the limit."""
    from fastapi.testclient import TestClient

    app, keys = build()
    schema = schemathesis.openapi.from_asgi("/openapi.json", app)
    per_op = pick(4, 250)
    rng = random.Random(18)
    counted: Counter[str] = Counter()
    failures: list[str] = []
    operations = [r.ok() for r in schema.get_all_operations()]
    too_big = b"{" + b" " * (app.state.settings.max_body + 1) + b"}"
    with TestClient(app, raise_server_exceptions=False) as client:
        for operation in operations:
            role = role_of(operation)
            auth = {"Authorization": f"Bearer {keys[role]}"} if role else {}
            content = operation.definition.raw.get("requestBody", {}).get("content", {})
            method, template = operation.method.upper(), operation.path
            label = f"{method} {template}"

            def send(case: Any, method: str = method, auth: Any = auth, label: str = label,
                     is_json: bool = "application/json" in content,
                     template: str = template) -> None:  # fmt: skip
                path = case.formatted_path
                if is_json:
                    raw, what = inject(case.body, rng)
                    headers = {**auth, "Content-Type": "application/json"}
                    answer = client.request(
                        method, path, params=case.query, content=raw, headers=headers
                    )
                    counted["hostile body"] += 1
                    counted[f"status {answer.status_code // 100}xx"] += 1
                    strict = not any(what == odd[:40] for odd in ODD_VALUES)
                    _check_answer(f"{label} body {what}", answer, failures, strict_4xx=strict)
                if "{" in template:
                    bad = rng.choice(HOSTILE_PATH)
                    url = re.sub(r"\{[^}]+\}", bad, template)
                    answer = client.request(method, url, headers=auth)
                    counted["hostile path"] += 1
                    counted[f"status {answer.status_code // 100}xx"] += 1
                    _check_answer(f"{label} path {bad[:20]}", answer, failures, strict_4xx=False)

            if "application/json" in content or "{" in template:
                run_operation(operation, GenerationMode.POSITIVE, per_op, send)
            if content:
                headers = {**auth, "Content-Type": "application/json"}
                answer = client.request(method, template, content=too_big, headers=headers)
                counted["oversize body"] += 1
                if answer.status_code != 413:
                    failures.append(f"{label}: {answer.status_code} to an oversize body")
    print(f"hostile cases: {dict(counted)}")
    distinct = list(dict.fromkeys(failures))
    assert not distinct, f"{len(distinct)} distinct findings:\n" + "\n".join(distinct[:20])
    assert counted["hostile body"] >= 20 * pick(4, 250) // 2
