"""Statements of reasons in the DSA Transparency Database format."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pyotp
import pytest

from lawline.moderation import decisions
from lawline.moderation.categories import CATEGORIES
from lawline.moderation.flaggers import register_trusted_flagger
from lawline.moderation.models import Decision
from lawline.moderation.reports import submit_report
from lawline.moderation.statements import to_transparency_database, validate_statement
from tests.moderation.conftest import World

ROOT = Path(__file__).parents[2]


def _decide(
    world: World, target: str, action: str, category: str, reporter: str = "user-0001"
) -> Decision:
    case = submit_report(
        world.session,
        world.ctx,
        target=target,
        category=category,
        text="",
        reporter_id=reporter,
        idempotency_key=None,
        via="api",
    ).case
    return decisions.decide(
        world.session,
        world.ctx,
        case.id,
        staff=world.mo,
        action=action,
        category=category,
        facts=f"Moderator review found {category} in the reported content.",
    )


@pytest.mark.parametrize("category", sorted(CATEGORIES))
@pytest.mark.parametrize("action", ["delist", "remove", "ban"])
def test_every_exported_statement_passes_the_database_rules(
    world: World, action: str, category: str
) -> None:
    channels = world.platform.channels(limit=100)
    channel = channels[sorted(CATEGORIES).index(category) % len(channels)]
    decision = _decide(world, f"t.me/{channel.name}", action, category)
    line = to_transparency_database(decision)
    assert line is not None
    assert validate_statement(line) == []
    assert line["puid"] == decision.id
    assert line["category"] == CATEGORIES[category].statement_category
    assert line["automated_decision"] == "AUTOMATED_DECISION_NOT_AUTOMATED"
    assert re.match(r"^\d{4}-\d{2}-\d{2}$", line["application_date"])
    if action == "ban":
        assert line["decision_account"] == "DECISION_ACCOUNT_TERMINATED"
    # the channel goes from search in every case: demoted (delisted) or removed
    assert line["decision_visibility"] == (
        ["DECISION_VISIBILITY_CONTENT_DEMOTED"]
        if action == "delist"
        else ["DECISION_VISIBILITY_CONTENT_REMOVED"]
    )
    json.dumps(line)  # one JSON line


def test_a_trusted_flaggers_notice_is_exported_as_such(world: World) -> None:
    flagger = register_trusted_flagger(
        world.session,
        name="Offlimits",
        actor="staff:admin",
        clock=world.clock,
    )
    decision = _decide(
        world,
        f"t.me/{world.channel_named('doxxing')}",
        "remove",
        "doxxing",
        reporter=flagger.reporter_id,
    )
    line = to_transparency_database(decision)
    assert line is not None
    assert (line["source_type"], line["source_identity"]) == ("SOURCE_TRUSTED_FLAGGER", "Offlimits")
    assert validate_statement(line) == []


def test_no_action_is_not_exported(world: World) -> None:
    decision = _decide(world, f"t.me/{world.channel_named('scam')}", "no_action", "scam")
    assert to_transparency_database(decision) is None


GOOD = {
    "decision_visibility": ["DECISION_VISIBILITY_CONTENT_REMOVED"],
    "decision_ground": "DECISION_GROUND_ILLEGAL_CONTENT",
    "illegal_content_legal_ground": "law",
    "illegal_content_explanation": "why",
    "content_type": ["CONTENT_TYPE_TEXT"],
    "category": "STATEMENT_CATEGORY_SCAMS_AND_FRAUD",
    "content_date": "2026-11-01",
    "application_date": "2026-11-20",
    "decision_facts": "facts",
    "source_type": "SOURCE_ARTICLE_16",
    "automated_detection": "No",
    "automated_decision": "AUTOMATED_DECISION_NOT_AUTOMATED",
    "puid": "dec_01",
}


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        ({"decision_visibility": None}, "one of decision_visibility"),
        ({"decision_visibility": "DECISION_VISIBILITY_CONTENT_REMOVED"}, "must be a list"),
        ({"category": "Scams"}, "category has values outside"),
        ({"puid": "has spaces"}, "puid may hold only"),
        ({"content_date": "20-11-2026"}, "content_date must be Y-m-d"),
        ({"application_date": "2019-12-31"}, "application_date must be Y-m-d"),
        ({"illegal_content_explanation": None}, "illegal_content_explanation is required"),
        ({"incompatible_content_ground": "x"}, "does not go with this decision_ground"),
        ({"automated_decision": "No"}, "automated_decision has values outside"),
        ({"decision_facts": "x" * 5001}, "decision_facts is longer than 5000"),
        ({"territorial_scope": ["US"]}, "territorial_scope has values outside"),
        ({"decision_visibility": ["DECISION_VISIBILITY_OTHER"]}, "decision_visibility_other is"),
    ],
)
def test_the_validator_enforces_the_rules(change: dict, problem: str) -> None:
    assert validate_statement(GOOD) == []
    line = {k: v for k, v in {**GOOD, **change}.items() if v is not None}
    assert any(problem in p for p in validate_statement(line)), validate_statement(line)


def test_export_sor_writes_valid_json_lines(tmp_path: Path) -> None:
    data_dir = tmp_path / "demo"
    env = {"PATH": "/usr/bin:/bin", "COLUMNS": "200"}
    run = subprocess.run(
        [sys.executable, "-m", "lawline", "demo", "--data-dir", str(data_dir), "--accounts", "300"],
        capture_output=True,
        text=True,
        env=env,
        check=False,
        timeout=300,
    )
    assert run.returncode == 0, run.stderr
    # the export is a moderator's command: log in as the demo's moderator first
    import sqlite3
    import time

    from lawline.demo import PASSWORD

    env = {**env, "LAWLINE_DATA_DIR": str(data_dir), "XDG_CONFIG_HOME": str(tmp_path / "config")}
    with sqlite3.connect(data_dir / "lawline.sqlite") as connection:
        (secret,) = connection.execute(
            "SELECT totp_secret FROM staff_members WHERE username = 'mo'"
        ).fetchone()
    (tmp_path / "password").write_text(PASSWORD)
    code = pyotp.TOTP(secret).at(time.time() + 30)  # the demo used this step's code already
    login = subprocess.run(
        [
            sys.executable,
            "-m",
            "lawline",
            "login",
            "mo",
            "--password-file",
            str(tmp_path / "password"),
            "--totp",
            code,
        ],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    assert login.returncode == 0, login.stderr
    export = subprocess.run(
        [sys.executable, "-m", "lawline", "moderation", "export-sor", "--since", "2020-01-01"],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    assert export.returncode == 0, export.stderr
    lines = [json.loads(line) for line in export.stdout.splitlines()]
    assert lines
    assert all(validate_statement(line) == [] for line in lines)
    bad = subprocess.run(
        [sys.executable, "-m", "lawline", "moderation", "export-sor", "--since", "yesterday"],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    assert bad.returncode == 2
    assert bad.stderr.strip().startswith("error: not a date")
