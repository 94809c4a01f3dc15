"""One commit point per HTTP request: the session dependency commits; no router or page does."""

from __future__ import annotations

import re
from pathlib import Path

import lawline

SRC = Path(lawline.__file__).parent
COMMITS = re.compile(r"\.commit\(\)|\btransaction\(")


def test_no_router_or_page_commits_by_itself() -> None:
    found = [
        f"{path.relative_to(SRC)}:{number}"
        for package in ("api", "web")
        for path in sorted((SRC / package).rglob("*.py"))
        if path.name != "deps.py"
        for number, line in enumerate(path.read_text().splitlines(), start=1)
        if COMMITS.search(line) and not line.lstrip().startswith("#")
    ]
    assert found == []
