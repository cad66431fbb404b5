"""Schemathesis against each service's own OpenAPI document (taken from ``app.openapi()``:
/openapi.json is off in production): generated requests, valid and invalid, with an admin's
token so they reach past authentication; no server error, every answer as documented."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest
import requests
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.core.failures import Failure, FailureGroup
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
)

from tests.stack import SERVICES, URL, Stack

# Examples per operation and generation mode (valid data, then data that breaks the schema).
EXAMPLES = 12
CHECKS = [not_a_server_error, response_schema_conformance, content_type_conformance]
REQUEST_KEYS = {"method", "url", "headers", "params", "cookies", "json", "data", "files"}


@dataclass
class Tally:
    """What one service's run did: requests per operation, and every failure seen."""

    requests: dict[str, int] = field(default_factory=dict)
    failures: list[str] = field(default_factory=list)
    no_invalid: list[str] = field(default_factory=list)


def _send(
    case: schemathesis.Case, base_url: str, headers: dict[str, str], deliver: Callable[..., Any]
) -> httpx.Response:
    """Serialise the case as schemathesis would for ``requests``, deliver it in-process."""
    kwargs = case.as_transport_kwargs(base_url=base_url, headers=headers)
    prepared = requests.Request(**{k: v for k, v in kwargs.items() if k in REQUEST_KEYS}).prepare()
    body = prepared.body.encode() if isinstance(prepared.body, str) else prepared.body
    return deliver(prepared.method, prepared.url, dict(prepared.headers), body or b"")  # type: ignore[no-any-return]


def fuzz_operation(
    operation: schemathesis.APIOperation,
    strategy: st.SearchStrategy[schemathesis.Case],
    stack: Stack,
    service: str,
    deliver: Callable[..., Any],
    tally: Tally,
) -> None:
    label = operation.label

    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        database=None,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(case=strategy)
    def run(case: schemathesis.Case) -> None:
        token = stack.token(["admin", "reviewer", "clerk"])
        headers = {"Authorization": f"Bearer {token}"}
        response = _send(case, URL[service], headers, deliver)
        tally.requests[label] = tally.requests.get(label, 0) + 1
        try:
            case.validate_response(response, checks=CHECKS, headers=headers)
        except (Failure, FailureGroup) as exc:  # every failure, reported together at the end
            tally.failures.append(f"{label} -> {response.status_code}: {str(exc)[:600]}")

    try:
        run()
    except Unsatisfiable:
        # nothing to break: an operation without parameters or body has no invalid request
        tally.no_invalid.append(label)


@pytest.mark.parametrize("service", SERVICES)
async def test_every_operation_answers_as_documented(stack: Stack, service: str) -> None:
    document = await stack.publish_draft()
    app = stack.apps[service]
    schema = schemathesis.openapi.from_dict(app.openapi())
    loop = asyncio.get_running_loop()
    client = httpx.AsyncClient(transport=httpx.ASGITransport(app=app), timeout=60)

    def deliver(method: str, url: str, headers: dict[str, str], body: bytes) -> httpx.Response:
        call = client.request(method, url, headers=headers, content=body)
        return asyncio.run_coroutine_threadsafe(call, loop).result(timeout=120)

    tally = Tally()

    def run_all() -> None:
        for result in schema.get_all_operations():
            operation = result.ok()
            known = {"document_id": document["id"]} if "{document_id}" in operation.path else {}
            for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
                strategy = operation.as_strategy(generation_mode=mode)
                if known and mode is GenerationMode.POSITIVE:
                    strategy = st.one_of(
                        strategy, operation.as_strategy(generation_mode=mode, path_parameters=known)
                    )
                fuzz_operation(operation, strategy, stack, service, deliver, tally)

    try:
        await asyncio.to_thread(run_all)
    finally:
        await client.aclose()
    print(
        f"\nschemathesis {service}: {sum(tally.requests.values())} requests, "
        f"{len(tally.requests)} operations"
    )
    assert tally.requests, "the schema lists no operation"
    assert not tally.failures, "\n".join(tally.failures[:40])
