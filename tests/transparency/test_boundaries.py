"""The transparency package only reads: it imports no domain package (it reads their SQL views
and the public ledger), no domain package imports it, and building a report writes nothing."""

from __future__ import annotations

import ast
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import event
from sqlalchemy.orm import Session

import lawline
from lawline.core.clock import FixedClock
from lawline.core.keys import SigningKey
from lawline.transparency.quarters import Quarter
from lawline.transparency.report import build_report
from tests.transparency.seed import seed

SRC = Path(lawline.__file__).parent
FRONT_ENDS = {"api", "cli", "web", "bots", "demo", "transparency"}
ALLOWED_INSIDE = ("lawline.core", "lawline.audit", "lawline.transparency")
# The domains' closed vocabularies (which offense is which category, which category is which DSA
# statement category): plain constant tables, read for the EU templates' "type of content".
VOCABULARIES = (
    "lawline.legal.offenses",
    "lawline.moderation.categories",
    "lawline.tally.figures",  # the names of the counted figures (their rows are read by name)
)


def _imports(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


def test_nothing_below_the_front_ends_imports_transparency() -> None:
    offenders = [
        str(path.relative_to(SRC))
        for path in SRC.rglob("*.py")
        if path.relative_to(SRC).parts[0] not in FRONT_ENDS
        and any(n.startswith("lawline.transparency") for n in _imports(path))
    ]
    assert offenders == []


def test_transparency_imports_only_core_audit_and_itself() -> None:
    imported = {
        name
        for path in (SRC / "transparency").rglob("*.py")
        for name in _imports(path)
        if name.startswith("lawline")
    }
    assert imported, "the scan found the package's imports"
    outside = {n for n in imported if not n.startswith(ALLOWED_INSIDE)}
    assert sorted(outside - set(VOCABULARIES)) == []
    for name in VOCABULARIES:
        path = SRC.joinpath(*name.split(".")[1:]).with_suffix(".py")
        assert not [n for n in _imports(path) if n.startswith("lawline")], name


def test_building_a_report_only_selects(db: Session, signing_key: SigningKey) -> None:
    seed(db, signing_key)
    db.flush()
    statements: list[str] = []

    def record(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        statements.append(statement.lstrip().split(None, 1)[0].upper())

    connection = db.connection()
    event.listen(connection, "before_cursor_execute", record)
    try:
        build_report(
            db,
            Quarter(2024, 4),
            country="NL",
            key=signing_key,
            clock=FixedClock(datetime(2025, 2, 1, tzinfo=UTC)),
        )
    finally:
        event.remove(connection, "before_cursor_execute", record)
    assert statements
    assert set(statements) == {"SELECT"}
    assert not db.new
    assert not db.dirty
