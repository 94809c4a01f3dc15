"""The `lawline` executable: `triage score` and `triage eval` run without importing the whole
CLI (database drivers, migrations, crypto), which would cost more than scoring itself; every
other command goes to `lawline.cli.main`."""

from __future__ import annotations

import sys

FAST = (["triage", "score"], ["triage", "eval"])


def main() -> None:
    if sys.argv[1:3] in FAST:
        from rich.console import Console

        from lawline.cli.triage import triage_app
        from lawline.core.errors import LawlineError

        try:
            triage_app(args=sys.argv[2:], prog_name="lawline triage")
        except LawlineError as exc:
            Console(stderr=True).print(f"error: {exc.message}", soft_wrap=True, highlight=False)
            sys.exit(2)
        return
    from lawline.cli.main import main as full

    full()
