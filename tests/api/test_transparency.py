"""The public transparency API over real HTTP on both databases: JSON, CSV, EU CSV, ledger."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from lawline.api.app import create_app
from lawline.transparency.verify import read_ledger, verify_report
from tests.transparency.seed import seeded_runtime


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def http(
    request: pytest.FixtureRequest, platform_file: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[TestClient]:
    """Read-only tests share one seeded system per backend."""
    tmp = tmp_path_factory.mktemp("transparency-api")
    runtime = seeded_runtime(request, platform_file, tmp, request.param)
    with TestClient(create_app(runtime)) as client:
        yield client


def test_the_nl_report_as_json_verifies_against_the_published_ledger(http: TestClient) -> None:
    response = http.get("/v1/transparency/2024-Q4", params={"country": "nl"})
    assert response.status_code == 200
    report = response.json()
    assert (report["quarter"], report["country"], report["final"]) == ("2024-Q4", "NL", True)
    assert report["figures"]["legal_requests"]["fulfilled"]["total"] == 4
    ledger = http.get("/v1/transparency/ledger.jsonl")
    assert ledger.headers["content-type"] == "application/jsonl"
    entries = read_ledger(ledger.text.splitlines())
    assert len(entries) == 7
    key = http.get("/v1/keys/platform").json()["public_key"]
    from lawline.cli.transparency import read_public_key

    result = verify_report(report, entries, read_public_key(key))
    assert result.ok, result.problems


def test_the_csv_is_rfc_4180(http: TestClient) -> None:
    response = http.get("/v1/transparency/2024-Q4.csv", params={"country": "NL"})
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/csv; charset=utf-8"
    assert 'filename="lawline-2024-Q4-NL.csv"' in response.headers["content-disposition"]
    assert response.text.startswith("quarter,country,section,measure,breakdown,value\r\n")
    rows = list(csv.DictReader(io.StringIO(response.text, newline="")))
    found = {(r["section"], r["measure"], r["breakdown"]): r["value"] for r in rows}
    assert found["legal_requests", "fulfilled.total", ""] == "4"
    assert found["legal_requests", "received.by_type", "emergency"] == "3"
    assert found["legal_requests", "rejected.by_reason", "instrument_expired"] == "1"
    assert found["by_country", "accounts_affected", "DE"] == "2"
    assert found["moderation", "median_seconds_first_report_to_decision", ""] == "9000"


def test_the_eu_templates_export(http: TestClient) -> None:
    response = http.get("/v1/transparency/2024-Q4/eu-templates.csv")
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(response.text, newline="")))
    assert rows[0] == [
        "section",
        "table",
        "member_state",
        "type_of_illegal_content",
        "basis",
        "measure",
        "value",
    ]
    cells = {tuple(r[:6]): r[6] for r in rows[1:]}
    drugs = "STATEMENT_CATEGORY_UNSAFE_AND_PROHIBITED_PRODUCTS"
    orders = {k[2:4]: v for k, v in cells.items() if k[1] == "orders_received"}
    # every seeded request names drug trafficking; received in Q4: 7 Dutch, 2 German
    assert orders == {("DE", drugs): "2", ("NL", drugs): "7"}
    # disclosed in Q4 from the EU: r10 (1 h), r4 (2 h), r1 (34 h), r2 (96 h), r8 (120 h)
    assert cells["orders_art10", "median_times", "", "", "", "hours_to_give_effect"] == "34.00"
    by_type = {k[3]: v for k, v in cells.items() if k[1] == "notices_received" and k[3]}
    assert by_type == {
        "STATEMENT_CATEGORY_SCAMS_AND_FRAUD": "1",
        "STATEMENT_CATEGORY_ILLEGAL_OR_HARMFUL_SPEECH": "1",
        drugs: "2",
    }
    assert cells["notices_art16", "notices_received", "", "", "", "from_trusted_flaggers"] == "1"
    acted = {k[4]: v for k, v in cells.items() if k[1] == "actions_taken"}
    assert acted == {"legal_ground": "2"}  # the two Q4 reports on the delisted channel c1
    assert cells["complaints_art20", "complaints", "", "", "", "reversed"] == "1"


@pytest.mark.parametrize(
    ("path", "status", "code"),
    [
        ("/v1/transparency/2024-Q5", 422, "quarter_invalid"),
        ("/v1/transparency/2024Q4", 422, "quarter_invalid"),
        ("/v1/transparency/2031-Q1", 404, "quarter_not_started"),
        ("/v1/transparency/2024-Q4?country=XX", 422, "country_invalid"),
        ("/v1/transparency/2024-Q4.csv?country=NLD", 422, "invalid_input"),
    ],
)
def test_bad_input_gets_a_reason_code(http: TestClient, path: str, status: int, code: str) -> None:
    response = http.get(path)
    assert response.status_code == status
    assert response.json()["error"]["code"] == code
