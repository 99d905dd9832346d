"""Schemathesis against the officer API's own OpenAPI schema, in process, on a seeded world.

Every operation of /openapi.json gets requests Schemathesis generates from the schema — valid
ones and, as often, ones the schema forbids — with the province's "*" key or the police's
agency key (now and then an unknown one), over dossiers of both agencies in every stage
(awaiting the fee, 1, 2, 4, 5, 9, 10, 3) whose codes and files the requests often name, typed
as citizens type them. Every answer must be no server error, carry a status code the schema
declares for the operation, and a body (and content type) that conforms to the schema
declared for that status.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, replace
from typing import Any

import httpx
import pytest
import schemathesis
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)
from schemathesis.schemas import APIOperation

from services.dossier_codes import DossierStatus
from services.dossiers import Phase
from tests.contract.authz_world import (
    COMMITTEE,
    KEY_POLICE,
    KEY_PROVINCE,
    POLICE,
    Running,
    add_dossier,
    running_world,
    web,
)

EXAMPLES_PER_OPERATION = 35
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]
STAGES = (
    None,  # awaiting its fee
    DossierStatus.SUBMITTED,
    DossierStatus.RECEIVED,
    DossierStatus.PROCESSING,
    DossierStatus.SUPPLEMENT_REQUESTED,
    DossierStatus.RESOLVED,
    DossierStatus.RETURNED,
    DossierStatus.REFUSED,
)


@dataclass(frozen=True)
class Seeded:
    """The world, its schema, and what requests may name: codes and document ids."""

    running: Running
    schema: Any
    codes: tuple[str, ...]
    documents: tuple[str, ...]


def typed_forms(code: str) -> list[str]:
    """A code as officers and citizens type it."""
    return [code, code.lower(), code.replace("-", " "), f"  {code}  "]


@pytest.fixture(scope="module")
def seeded(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Seeded]:
    with running_world(tmp_path_factory, "officer-schema") as running:
        world = running.world

        async def seed() -> tuple[list[str], list[str], dict[str, Any]]:
            codes, documents = [], []
            for agency in (POLICE, COMMITTEE):
                for stage in STAGES:
                    status = stage or DossierStatus.SUBMITTED
                    owner = web("schema-owner-0001")
                    dossier = await add_dossier(world, owner, None, status, agency)
                    if stage is None:  # back to before its fee was paid
                        await _unpay(running, dossier.id)
                    codes.extend(typed_forms(dossier.code))
                    documents.extend(
                        a.document_id for a in (*dossier.attachments, *dossier.results)
                    )
            async with world.client() as client:
                schema = (await client.get("/openapi.json")).json()
            return codes, documents, schema

        codes, documents, raw_schema = running.run(seed())
        schema = schemathesis.openapi.from_dict(raw_schema)
        yield Seeded(running, schema, tuple(codes), tuple(documents))


async def _unpay(running: Running, dossier_id: str) -> None:
    """Back to before the fee was paid: no status, no history."""
    async with running.world.app.uow_factory() as uow:
        dossier = await uow.dossiers.get(dossier_id)
        assert dossier is not None
        unpaid = replace(
            dossier, phase=Phase.AWAITING_PAYMENT, status=None, submitted_at=None, history=()
        )
        await uow.dossiers.update(unpaid)
        await uow.commit()


def operations() -> list[str]:
    """The operations the schema must document (checked against it below)."""
    return [
        "GET /api/v1/dossiers",
        "GET /api/v1/dossiers/{code}",
        "GET /api/v1/dossiers/{code}/files/{document_id}",
        "POST /api/v1/dossiers/{code}/status",
        "POST /api/v1/dossiers/{code}/supplement",
        "POST /api/v1/dossiers/{code}/overdue",
        "POST /api/v1/dossiers/{code}/result",
        "GET /api/v1/ratings",
        "GET /api/v1/talks",
        "GET /api/v1/talks/{talk_id}",
        "POST /api/v1/talks/{talk_id}/messages",
        "POST /api/v1/talks/{talk_id}/close",
        "GET /api/v1/handovers/dead",
        "POST /api/v1/handovers/{key}/resend",
    ]


def find(seeded: Seeded, label: str) -> APIOperation:
    """An operation of the schema by "METHOD /path"."""
    method, path = label.split(" ")
    for result in seeded.schema.get_all_operations():
        operation = result.ok()
        if operation.method.upper() == method and operation.path == path:
            return operation  # type: ignore[no-any-return]
    raise AssertionError(f"{label} is not in /openapi.json")


def test_the_schema_documents_exactly_the_officer_operations(seeded: Seeded) -> None:
    found = {f"{r.ok().method.upper()} {r.ok().path}" for r in seeded.schema.get_all_operations()}
    assert found == set(operations())


def request_of(case: Any, key: str) -> dict[str, Any]:
    """The httpx request of a generated case, sent with an officer's key."""
    sent = case.as_transport_kwargs(base_url="http://bot")
    headers = {**sent["headers"], "X-API-Key": key}
    request: dict[str, Any] = {
        "method": sent["method"],
        "url": sent["url"],
        "params": sent.get("params") or None,
        "headers": headers,
    }
    if sent.get("json") is not None or "json" in sent:
        request["content"] = json.dumps(sent["json"]).encode()  # lone surrogates escaped
    elif sent.get("files"):
        request["files"] = [_part(*item) for item in sent["files"]]
        headers.pop("Content-Type", None)
    elif sent.get("data") is not None:
        data = sent["data"]
        request["content"] = data if isinstance(data, bytes | str) else json.dumps(data)
    return request


def _part(name: str, value: tuple[Any, ...]) -> tuple[str, tuple[Any, ...]]:
    """A multipart part, its field name and content written the way a client could."""
    filename, content = value[0], value[1]
    if not isinstance(content, bytes | str):
        content = json.dumps(content)
    if isinstance(content, str):
        content = content.encode("utf-8", "surrogatepass")
    safe_name = name.encode("utf-8", "backslashreplace").decode()
    if filename is not None:
        filename = filename.encode("utf-8", "backslashreplace").decode()
    return safe_name, (filename, content, *value[2:3])


@pytest.mark.parametrize("label", operations())
def test_no_server_error_and_every_answer_as_the_schema_says(seeded: Seeded, label: str) -> None:
    operation = find(seeded, label)
    cases = st.one_of(
        operation.as_strategy(GenerationMode.POSITIVE),
        operation.as_strategy(GenerationMode.NEGATIVE),
    )
    names_seeded = st.sampled_from(seeded.codes)
    picked = st.one_of(names_seeded, names_seeded, st.none())  # None: the generated code
    files = st.one_of(st.sampled_from(seeded.documents), st.none())
    keys = st.sampled_from([KEY_PROVINCE, KEY_POLICE, KEY_PROVINCE, KEY_POLICE, "not-a-key"])

    @settings(
        max_examples=EXAMPLES_PER_OPERATION,
        deadline=None,
        derandomize=True,
        suppress_health_check=list(HealthCheck),
    )
    @given(cases, picked, files, keys)
    def check(case: Any, code: str | None, document: str | None, key: str) -> None:
        if code is not None and "code" in (case.path_parameters or {}):
            case.path_parameters["code"] = code
        if document is not None and "document_id" in (case.path_parameters or {}):
            case.path_parameters["document_id"] = document
        response = seeded.running.run(_send(seeded.running, request_of(case, key)))
        event(f"HTTP {response.status_code}")
        case.validate_response(response, checks=CHECKS)

    check()


async def _send(running: Running, request: dict[str, Any]) -> httpx.Response:
    async with running.world.client() as client:
        built = client.build_request(**request)
        built.read()  # a multipart body is a stream: read it, so the checks can see it
        return await client.send(built)


def test_refusals_are_documented_with_their_bodies(seeded: Seeded) -> None:
    """401, 403, 404, 409, 413, 415 and 422 answer with the documented `ErrorResponse` (or
    FastAPI's validation list for a malformed request)."""
    raw = seeded.schema.raw_schema
    result = raw["paths"]["/api/v1/dossiers/{code}/result"]["post"]["responses"]
    for status in ("401", "403", "404", "409", "413", "415", "422"):
        assert status in result, status
    refusal = result["409"]["content"]["application/json"]["schema"]["$ref"]
    assert refusal.endswith("/ErrorResponse")
