"""Fuzzing the gateway's OpenAPI against the real stack (issue 13, item 8), bounded in time.

Schemathesis generates requests for every operation the gateway documents, valid ones and ones
that break the schema, and sends them signed out and signed in as each demo account. A run fails
on any 5xx, any status code the operation does not document, and any response whose content
type, headers or body do not match what is documented; a request the schema calls invalid must
be refused with a 4xx. The live streams (SSE, never-ending bodies) are opened and closed by
hand: their status and content type are checked the same way.

Every failure is collected (nothing is shrunk, so each operation costs a known number of
requests) and reported at the end, one line per distinct failure with a curl command to
replay it. The run is deterministic: ``Z5G_FUZZ_SEED`` picks another seed and
``Z5G_FUZZ_SCALE`` multiplies the examples per operation (e.g. 10 for a long local run).
The rate limits are raised for the run, so 429s do not hide the routes behind them.
"""

from __future__ import annotations

import collections
import os
import time
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest
import requests
import schemathesis
from gateway.scenarios import SCENARIOS, consoles_of
from gateway.users import DEMO_USERS
from hypothesis import HealthCheck, Phase, given, seed, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.core.failures import FailureGroup
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

# Limits raised for the run (start_stack already gives the public routes 10,000 a minute).
GATEWAY_ENV = {"Z5G_LOGIN_RATE_PER_MIN": "100000", "Z5G_LOGIN_ACCOUNT_FAILURES": "100000",
               "Z5G_UPLOAD_RATE_PER_MIN": "100000"}
SIGNED_OUT = "signed out"
ACCOUNTS = (SIGNED_OUT, *(u[0] for u in DEMO_USERS))
ROLE_OF = {u[0]: u[3] for u in DEMO_USERS}
SEED = int(os.environ.get("Z5G_FUZZ_SEED", "13"))
SCALE = float(os.environ.get("Z5G_FUZZ_SCALE", "1"))
# Examples per operation and generation mode: "deep" where the account may get past the gate
# (public operations, its own consoles), "shallow" where it should only ever be refused.
DEEP = {GenerationMode.POSITIVE: round(4 * SCALE), GenerationMode.NEGATIVE: round(2 * SCALE)}
SHALLOW = {GenerationMode.POSITIVE: 1, GenerationMode.NEGATIVE: 0}
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance,
          response_headers_conformance, response_schema_conformance]
REQUEST_TIMEOUT_S = 10
# Seconds for the deeper rounds (the first case of every account and operation always goes).
BUDGET_S = float(os.environ.get("Z5G_FUZZ_BUDGET_S", "45"))
STREAMS = ("/api/public/stream", "/api/stream/{scenario}")
# Last: signing out ends the session the other operations use.
LAST = "POST /api/auth/logout"


@pytest.fixture(scope="module")
def base_env(base_env: dict[str, str]) -> dict[str, str]:
    """The session's environment plus this module's raised limits (the stack reads it)."""
    return base_env | GATEWAY_ENV


@dataclass
class Run:
    """What one account's run sent and saw."""

    account: str
    requests: int = 0
    statuses: collections.Counter[int] = field(default_factory=collections.Counter)
    # Per operation: statuses seen (to tell that signed-in accounts got past the gate).
    by_operation: dict[str, collections.Counter[int]] = field(default_factory=dict)
    failures: dict[tuple[str, str], str] = field(default_factory=dict)

    def saw(self, label: str, status: int) -> None:
        self.requests += 1
        self.statuses[status] += 1
        self.by_operation.setdefault(label, collections.Counter())[status] += 1

    def fail(self, label: str, title: str, report: str) -> None:
        self.failures.setdefault((label, title), report)


def label(operation: schemathesis.APIOperation) -> str:
    """``GET /api/...`` as the OpenAPI names the operation."""
    return f"{operation.method.upper()} {operation.path}"


@pytest.fixture(scope="module")
def schema(stack: dict[str, Any]) -> schemathesis.BaseSchema:
    return schemathesis.openapi.from_url(f"{stack['url']}/openapi.json")


def _session(stack: dict[str, Any], account: str, sign_in: Any) -> requests.Session:
    session = requests.Session()
    if account != SIGNED_OUT:
        client = sign_in(stack, account)
        session.cookies.set("z5g_session", client.cookies["z5g_session"])
        client.close()
    return session


def _reach(account: str, operation: schemathesis.APIOperation) -> dict[GenerationMode, int]:
    """How many cases of each mode ``account`` sends to ``operation``.

    Deep where the account can get past the gate: signed out on public operations, signed in
    on the operations of its own consoles (and those of no scenario). Elsewhere one valid case:
    the gate answers before the body is read, so more would test the same refusal again.
    """
    responses = operation.definition.raw.get("responses", {})
    public = "401" not in responses
    if account == SIGNED_OUT:
        deep = public
    elif public:
        deep = False  # the same as signed out, already fuzzed that way
    else:
        scenarios = set(operation.definition.raw.get("tags", [])) & set(SCENARIOS)
        deep = not scenarios or bool(scenarios & set(consoles_of(ROLE_OF[account])))
    return DEEP if deep else SHALLOW


def _breakable(operation: schemathesis.APIOperation) -> bool:
    """Whether a request can break the schema: a body, or a parameter with constraints.

    A plain string in the path or query cannot be made invalid, and Hypothesis would spend
    hundreds of rejected draws finding that out.
    """
    raw = operation.definition.raw
    if "requestBody" in raw:
        return True
    for parameter in raw.get("parameters", []):
        shape = {k: v for k, v in parameter.get("schema", {}).items() if k != "title"}
        if shape and shape != {"type": "string"}:
            return True
    return False


def _generate(operation: schemathesis.APIOperation, mode: GenerationMode,
              count: int) -> list[schemathesis.Case]:
    """``count`` cases of ``operation`` in ``mode`` (fewer when the schema allows fewer)."""
    if count == 0 or (mode is GenerationMode.NEGATIVE and not _breakable(operation)):
        return []
    cases: list[schemathesis.Case] = []

    @seed(SEED)
    @settings(max_examples=count, deadline=None, database=None,
              phases=[Phase.explicit, Phase.generate], suppress_health_check=list(HealthCheck))
    @given(case=operation.as_strategy(generation_mode=mode))
    def collect(case: schemathesis.Case) -> None:
        cases.append(case)

    try:
        collect()
    except Unsatisfiable:
        if mode is not GenerationMode.NEGATIVE:  # nothing to break: fine in negative mode
            raise
    return cases[:count]


def _send(run: Run, label: str, case: schemathesis.Case, mode: GenerationMode,
          session: requests.Session, base_url: str) -> None:
    checks = CHECKS + ([negative_data_rejection] if mode is GenerationMode.NEGATIVE else [])
    try:
        response = case.call(base_url=base_url, session=session, timeout=REQUEST_TIMEOUT_S)
    except requests.RequestException as exc:
        run.fail(label, f"no answer: {type(exc).__name__}", case.as_curl_command())
        return
    run.saw(label, response.status_code)
    try:
        case.validate_response(response, checks=checks)
    except FailureGroup as group:
        for failure in group.exceptions:
            run.fail(label, failure.title, str(group))


def _streams(run: Run, spec: dict[str, Any], session: requests.Session, base_url: str) -> None:
    """Open each live stream as the account would, check status and type, close it."""
    cookies = session.cookies.get_dict()
    paths = ["/api/public/stream", *(f"/api/stream/{s}" for s in SCENARIOS),
             "/api/stream/no-such-scenario"]
    for path in paths:
        template = path if path in spec["paths"] else "/api/stream/{scenario}"
        label = f"GET {template}"
        documented = set(spec["paths"][template]["get"]["responses"])
        with httpx.Client(base_url=base_url, cookies=cookies, timeout=REQUEST_TIMEOUT_S) as c, \
                c.stream("GET", path) as r:
            run.saw(label, r.status_code)
            kind = r.headers.get("content-type", "")
            if str(r.status_code) not in documented:
                run.fail(label, f"undocumented status {r.status_code}", f"{path}: {r.read()!r}")
            elif r.status_code >= 500:
                run.fail(label, f"server error {r.status_code}", path)
            elif r.status_code == 200 and not kind.startswith("text/event-stream"):
                run.fail(label, f"200 as {kind}", path)
            elif r.status_code != 200 and not kind.startswith("application/json"):
                run.fail(label, f"{r.status_code} as {kind}", path)


def _plan(fuzzed: list[schemathesis.APIOperation],
          cases: dict[tuple[str, GenerationMode], list[schemathesis.Case]],
          ) -> list[tuple[int, str, str, GenerationMode, schemathesis.Case]]:
    """(round, account, operation, mode, case) in the order they are sent.

    Round 0 is the first case of every account, operation and mode; later rounds go deeper
    and are cut off when the time budget is spent. Signing out comes last for each account.
    """
    plan = []
    for account in ACCOUNTS:
        for op in fuzzed:
            for mode, n in _reach(account, op).items():
                for i, case in enumerate(cases[label(op), mode][:n]):
                    plan.append((i, account, label(op), mode, case))
    return sorted(plan, key=lambda p: (p[2] == LAST, p[0]))


def _where_401(spec: dict[str, Any]) -> set[str]:
    return {f"{m.upper()} {p}" for p, ops in spec["paths"].items() for m, op in ops.items()
            if "401" in op["responses"]}


# The stack's start is counted too: up to 150 s on a loaded machine, then ~45-70 s of fuzzing.
@pytest.mark.timeout(480)
def test_fuzz_every_operation_as_every_account(stack, schema, sign_in):
    base_url = str(stack["url"])
    spec = httpx.get(f"{base_url}/openapi.json", timeout=10).json()
    operations = [r.ok() for r in schema.get_all_operations()]
    fuzzed = [op for op in operations if op.path not in STREAMS]
    documented = {f"{m.upper()} {p}" for p, ops in spec["paths"].items() for m in ops}
    assert len(operations) == len(documented), "an operation's definition did not load"
    started = time.monotonic()
    # Generated once, sent as every account: the same requests meet every role's gate.
    cases = {(label(op), mode): _generate(op, mode, n)
             for op in fuzzed for mode, n in DEEP.items()}
    generated = time.monotonic() - started
    runs = {account: Run(account) for account in ACCOUNTS}
    sessions = {account: _session(stack, account, sign_in) for account in ACCOUNTS}
    for account in ACCOUNTS:
        _streams(runs[account], spec, sessions[account], base_url)
    plan = _plan(fuzzed, cases)
    deadline = time.monotonic() + BUDGET_S
    left_out = 0
    for depth, account, name, mode, case in plan:
        if depth > 0 and name != LAST and time.monotonic() > deadline:
            left_out += 1
            continue
        _send(runs[account], name, case, mode, sessions[account], base_url)
    for session in sessions.values():
        session.close()
    took = time.monotonic() - started
    for run in runs.values():
        print(f"{run.account:>12}: {run.requests} requests, statuses "
              f"{dict(sorted(run.statuses.items()))}")
    print(f"fuzz: {sum(r.requests for r in runs.values())} requests over {len(documented)} "
          f"operations as {len(ACCOUNTS)} accounts in {took:.0f} s ({generated:.0f} s "
          f"generating cases; {left_out} deeper cases left out by the {BUDGET_S:.0f} s budget; "
          f"seed {SEED}, scale {SCALE})")
    failures = [(run.account, name, title, report) for run in runs.values()
                for (name, title), report in run.failures.items()]
    summary = "\n".join(f"{account} · {name} · {title}" for account, name, title, _ in failures)
    detail = "\n\n".join(report for *_, report in failures[:5])
    assert not failures, f"{len(failures)} failures:\n{summary}\n\nfirst reports:\n{detail}"
    # Every operation was sent; every account got past sign-in (a 2xx on an operation that
    # documents 401), so the run did not just collect 401s.
    seen = set().union(*(run.by_operation for run in runs.values()))
    assert seen == documented, documented - seen
    gated = _where_401(spec)
    for run in list(runs.values())[1:]:
        past = [name for name, codes in run.by_operation.items()
                if name in gated and any(200 <= c < 300 for c in codes)]
        assert past, f"{run.account} never got past sign-in"
