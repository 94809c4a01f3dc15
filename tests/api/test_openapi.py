"""`/openapi.json` tells the truth, checked black-box: schemathesis drives every operation of a
live `lawline serve` (SQLite and PostgreSQL) with generated input, signed as an authority and
logged in as staff, and every answer must be a non-5xx that the document declares, with the
declared body (`{"error": {"code", "message"}}` for every error)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx2
import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)

from lawline.api.app import create_app
from lawline.core.settings import Settings
from lawline.runtime import Runtime
from tests.api.live import LiveServer, start_live_server


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def live(
    request: pytest.FixtureRequest, platform_file: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[LiveServer]:
    yield from start_live_server(
        request, request.param, platform_file, tmp_path_factory.mktemp("live")
    )


@pytest.fixture(scope="module")
def openapi(live: LiveServer) -> Any:
    return schemathesis.openapi.from_url(f"{live.base_url}/openapi.json")


def test_the_document_declares_errors_statuses_and_security(live: LiveServer) -> None:
    spec = httpx2.get(f"{live.base_url}/openapi.json").json()
    schemas = spec["components"]["schemas"]
    assert "HTTPValidationError" not in schemas
    assert schemas["ErrorBody"]["required"] == ["error"]
    assert set(spec["components"]["securitySchemes"]) == {"authoritySignature", "staffBearer"}
    error_ref = {"$ref": "#/components/schemas/ErrorBody"}
    submit = spec["paths"]["/v1/authority/requests"]["post"]
    assert submit["security"] == [{"authoritySignature": []}]
    assert {"401", "413", "422", "500", "503"} <= set(submit["responses"])
    # a lost race is declared where the operation writes, not on the public reads
    assert "503" in spec["paths"]["/v1/reports"]["post"]["responses"]
    assert "503" not in spec["paths"]["/v1/search"]["get"]["responses"]
    for path, item in spec["paths"].items():
        for method, operation in item.items():
            for status, response in operation["responses"].items():
                if status[0] in "45":
                    body = response["content"]["application/json"]["schema"]
                    assert body == error_ref, (method, path, status)
    case = spec["paths"]["/v1/staff/cases/{case_id}"]["get"]
    assert {"401", "403", "404", "422"} <= set(case["responses"])
    assert case["security"] == [{"staffBearer": []}]


def _operations() -> list[tuple[str, str]]:
    """Every (method, path) of the document, read from the app itself at collection time."""
    app = create_app(Runtime(Settings(data_dir=Path("unused"))))
    return [(m.upper(), p) for p, item in app.openapi()["paths"].items() for m in item]


# schemathesis' own pytest plugin does not run under pytest 9, so each operation is a test
# here and its hypothesis strategy comes from schemathesis.
@pytest.mark.parametrize(("method", "path"), _operations())
def test_no_operation_answers_5xx_or_off_its_document(
    openapi: Any, live: LiveServer, method: str, path: str
) -> None:
    operation = openapi[path][method]
    strategy = operation.as_strategy(generation_mode=GenerationMode.POSITIVE)
    if operation.definition.raw.get("parameters") or "requestBody" in operation.definition.raw:
        # Also input the document forbids (wrong types, bytes that are not JSON, ...): it must
        # be refused with a declared 4xx, never a 5xx.
        negative = operation.as_strategy(generation_mode=GenerationMode.NEGATIVE)
        strategy = st.one_of(strategy, negative)

    @given(case=strategy)
    @settings(
        max_examples=10,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    def run(case: Any) -> None:
        with live.session() as session:
            case.call_and_validate(
                session=session,
                checks=[
                    not_a_server_error,
                    status_code_conformance,
                    content_type_conformance,
                    response_schema_conformance,
                ],
            )

    run()
