"""The counters under real commits: racing connections count every report exactly, a rolled
back change leaves them as they were, a tampered counter is caught by `transparency check`
(also as the command, exit 1), and migration 0011 counts a database's existing rows."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import pytest
from alembic import command
from sqlalchemy import text

from lawline import migrations
from lawline.core.clock import FixedClock
from lawline.core.db import transaction
from lawline.moderation import decisions
from lawline.moderation.reports import submit_report
from lawline.runtime import Runtime
from lawline.transparency import aggregate, eu_templates
from lawline.transparency.check import check
from lawline.transparency.quarters import Quarter
from tests import factories
from tests.legal.conftest import NOW
from tests.test_cli import lawline
from tests.transparency.seed import seed

pytestmark = pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
QUARTER = Quarter.of(NOW)


def _runtime(
    request: pytest.FixtureRequest, backend: str, tmp_path: Path, platform_file: Path
) -> Runtime:
    return factories.runtime_on(  # type: ignore[no-any-return]
        request, backend, tmp_path / "data", platform_file, FixedClock(NOW),
        report_rate_limit=10_000,
    )  # fmt: skip


def _channels(runtime: Runtime, count: int) -> list[str]:
    return [c.name for c in runtime.platform.channels(limit=count)]


def _report(session: Any, runtime: Runtime, target: str, category: str, reporter: str) -> Any:
    return submit_report(
        session,
        runtime.moderation,
        target=f"t.me/{target}",
        category=category,
        text="",
        reporter_id=reporter,
        idempotency_key=None,
        via="api",
    )


def _reports(runtime: Runtime) -> dict[str, Any]:
    with runtime.sessions() as session:
        return aggregate.moderation_figures(session, QUARTER)["reports_received"]  # type: ignore[no-any-return]


def test_eight_racing_connections_count_every_report(
    request: pytest.FixtureRequest, backend: str, tmp_path: Path, platform_file: Path
) -> None:
    runtime = _runtime(request, backend, tmp_path, platform_file)
    targets = _channels(runtime, 3)  # few targets: the threads also race for the same cases
    barrier = threading.Barrier(8)
    errors: list[BaseException] = []

    def reporter(i: int) -> None:
        barrier.wait()
        try:
            for j in range(25):
                with transaction(runtime.sessions) as session:
                    category = "drugs" if j % 2 else "scam"
                    _report(session, runtime, targets[j % 3], category, f"user-{i:04d}")
        except BaseException as exc:  # reported below, with the thread's count
            errors.append(exc)

    threads = [threading.Thread(target=reporter, args=(i,)) for i in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    counted = _reports(runtime)
    assert (counted["total"], counted["by_category"]) == (200, {"drugs": 96, "scam": 104})
    with runtime.sessions() as session:
        assert check(session, QUARTER) == []


def _report_decide_and_fail(runtime: Runtime, target: str) -> None:
    with transaction(runtime.sessions) as session:
        case = _report(session, runtime, target, "drugs", "user-0002").case
        decisions.decide(
            session,
            runtime.moderation,
            case.id,
            staff=factories.staff_member(session, "max", "moderator"),
            action="delist",
            category="drugs",
            facts="Sells drugs in the open.",
        )
        raise RuntimeError("the boundary fails after the changes")


def test_a_rolled_back_change_leaves_the_counters_as_they_were(
    request: pytest.FixtureRequest, backend: str, tmp_path: Path, platform_file: Path
) -> None:
    runtime = _runtime(request, backend, tmp_path, platform_file)
    [target] = _channels(runtime, 1)
    with transaction(runtime.sessions) as session:
        factories.staff_member(session, "mo", "moderator")
        _report(session, runtime, target, "scam", "user-0001")
    before = _reports(runtime)
    with pytest.raises(RuntimeError):
        _report_decide_and_fail(runtime, target)
    after = _reports(runtime)
    assert after == before
    assert (after["total"], after["by_category"]) == (1, {"scam": 1})
    with runtime.sessions() as session:
        assert aggregate.moderation_figures(session, QUARTER)["decisions"]["total"] == 0
        assert check(session, QUARTER) == []


def test_a_tampered_counter_is_caught(
    request: pytest.FixtureRequest, backend: str, tmp_path: Path, platform_file: Path
) -> None:
    runtime = _runtime(request, backend, tmp_path, platform_file)
    [target] = _channels(runtime, 1)
    with transaction(runtime.sessions) as session:
        for i in range(3):
            _report(session, runtime, target, "drugs", f"user-{i:04d}")
    with transaction(runtime.sessions) as session:
        session.execute(
            text("UPDATE tally_counters SET n = n + 1 WHERE figure = 'reports.received'")
        )
    with runtime.sessions() as session:
        problems = check(session, QUARTER)
    assert problems == [
        "all countries: figures.moderation.reports_received.by_category.drugs: "
        "counters say 4, the views say 3",
        "all countries: figures.moderation.reports_received.total: counters say 4, the views say 3",
        "all countries: eu_templates.notices_art16.notices_received."
        "STATEMENT_CATEGORY_UNSAFE_AND_PROHIBITED_PRODUCTS: counters say 4, the views say 3",
    ]
    if backend == "sqlite":  # the command, as a process (its database is the data directory's)
        failed = lawline("transparency", "check", str(QUARTER), data_dir=tmp_path / "data")
        assert failed.returncode == 1
        assert f"FAILED: {QUARTER}: 3 figure(s) differ" in failed.stderr
        assert "reports_received.by_category.drugs: counters say 4, the views say 3" in (
            failed.stderr
        )


def test_a_tampered_eu_template_figure_is_caught(
    request: pytest.FixtureRequest, backend: str, tmp_path: Path, platform_file: Path
) -> None:
    runtime = _runtime(request, backend, tmp_path, platform_file)
    [target] = _channels(runtime, 1)
    with transaction(runtime.sessions) as session:
        for i in range(3):
            case_id = _report(session, runtime, target, "drugs", f"user-{i:04d}").case.id
    with transaction(runtime.sessions) as session:
        decisions.decide(
            session,
            runtime.moderation,
            case_id,
            staff=factories.staff_member(session, "max", "moderator"),
            action="delist",
            category="drugs",
            facts="Sells drugs in the open.",
        )
    with runtime.sessions() as session:
        assert check(session, QUARTER) == []
        notices = eu_templates.counted(session, QUARTER)["notices_art16"]
    [(basis, acted_on)] = notices["notices_acted_on"].items()
    assert acted_on == 3  # each report is a notice its case's decision acted on
    assert notices["median_seconds_to_take_action"] == 0  # decided at the reports' instant
    with transaction(runtime.sessions) as session:
        session.execute(
            text("UPDATE tally_counters SET n = n - 1 WHERE figure = 'notices.acted_on'")
        )
        session.execute(
            text(
                "UPDATE tally_durations SET seconds = seconds + 7200 "
                "WHERE figure = 'notices.seconds_to_decision'"
            )
        )
    with runtime.sessions() as session:
        assert check(session, QUARTER) == [
            "all countries: eu_templates.notices_art16.median_seconds_to_take_action: "
            "counters say 7200, the views say 0",
            f"all countries: eu_templates.notices_art16.notices_acted_on.{basis}: "
            "counters say 2, the views say 3",
        ]


def test_the_migration_counts_the_rows_an_upgraded_database_holds(
    request: pytest.FixtureRequest,
    backend: str,
    tmp_path: Path,
    platform_file: Path,
    signing_key: Any,
) -> None:
    runtime = _runtime(request, backend, tmp_path, platform_file)
    with transaction(runtime.sessions) as session:
        seed(session, signing_key)
    config = migrations.alembic_config(runtime.engine)
    command.downgrade(config, "0010")  # as the database was before the counters existed
    migrations.upgrade(runtime.engine)
    q4 = Quarter(2024, 4)
    with runtime.sessions() as session:
        assert check(session, q4) == []
        assert check(session, q4.next()) == []
        nl = aggregate.legal_figures(session, q4, "NL")
        assert (nl["received"]["total"], nl["fulfilled"]["total"]) == (7, 4)
        assert nl["emergencies"]["median_seconds_to_answer"] == 7200
        counted = aggregate.moderation_figures(session, q4)
        assert counted["reports_received"]["total"] == 4
    if backend == "sqlite":
        ok = lawline("transparency", "check", "2024-Q4", data_dir=tmp_path / "data")
        assert ok.returncode == 0, ok.stderr
        assert ok.stdout.startswith("OK: 2024-Q4: the counters, the recount from the views")
