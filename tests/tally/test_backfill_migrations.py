"""Migrations 0011 and 0013 carry their own frozen copies of the backfill: upgrading a database
that holds data from 0010 (before any counter existed) gives exactly the counters and durations
the live backfill (`lawline.tally.backfill.rebuild`) gives on the same rows, on SQLite and
PostgreSQL; and neither migration imports live lawline code."""

from __future__ import annotations

import ast
from pathlib import Path
from typing import Any

import pytest
from alembic import command
from sqlalchemy import Engine, text

from lawline import migrations
from lawline.core.clock import FixedClock
from lawline.core.db import transaction
from lawline.tally.backfill import rebuild
from lawline.transparency.check import check
from lawline.transparency.quarters import Quarter
from tests import factories
from tests.legal.conftest import NOW
from tests.transparency.seed import seed

VERSIONS = Path(migrations.__file__).parent / "versions"


def _tables(engine: Engine) -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]:
    with engine.connect() as connection:
        counters = connection.execute(
            text("SELECT quarter, scope, figure, key, n FROM tally_counters")
        ).all()
        durations = connection.execute(
            text("SELECT quarter, scope, figure, seconds FROM tally_durations")
        ).all()
    return (
        sorted((q, s, f, k, int(n)) for q, s, f, k, n in counters),
        sorted((q, s, f, round(float(x), 6)) for q, s, f, x in durations),
    )


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_upgrading_from_0010_counts_as_the_live_backfill(
    request: pytest.FixtureRequest,
    backend: str,
    tmp_path: Path,
    platform_file: Path,
    signing_key: Any,
) -> None:
    runtime = factories.runtime_on(
        request, backend, tmp_path / "data", platform_file, FixedClock(NOW)
    )
    with transaction(runtime.sessions) as session:
        seed(session, signing_key)
    command.downgrade(migrations.alembic_config(runtime.engine), "0010")
    migrations.upgrade(runtime.engine)  # 0011 .. head, each with its own backfill
    upgraded = _tables(runtime.engine)
    counters, durations = upgraded
    figures = {row[2] for row in counters} | {row[2] for row in durations}
    # the EU templates' figures (0013) are there, as the older ones (0011)
    assert {"requests.received_by_offense", "notices.acted_on", "reports.received"} <= figures
    assert {"requests.seconds_to_disclose", "notices.seconds_to_decision"} <= figures
    with runtime.engine.begin() as connection:
        rebuild(connection)
    assert _tables(runtime.engine) == upgraded
    with runtime.sessions() as session:
        assert check(session, Quarter(2024, 4)) == []


@pytest.mark.parametrize("name", ["0011_tally_counters.py", "0013_eu_template_counters.py"])
def test_a_backfilling_migration_imports_no_live_code(name: str) -> None:
    tree = ast.parse((VERSIONS / name).read_text())
    imported = {
        node.module if isinstance(node, ast.ImportFrom) else alias.name
        for node in ast.walk(tree)
        if isinstance(node, ast.Import | ast.ImportFrom)
        for alias in node.names
    }
    assert not {m for m in imported if m and m.startswith("lawline")}
