"""`lawline worker`: applies committed intents (platform actions, notices) and runs the
scheduled jobs. `lawline serve` runs one in-process unless told not to; run more with this
command (on PostgreSQL several claim work side by side with `FOR UPDATE SKIP LOCKED`)."""

from __future__ import annotations

import signal
from types import FrameType
from typing import Annotated

import typer
from rich.console import Console

from lawline.cli.support import open_runtime

console = Console()
worker_app = typer.Typer(
    help="The worker: applies effects after commit and runs scheduled jobs.",
    no_args_is_help=True,
)


@worker_app.command("run")
def worker_run(
    once: Annotated[
        bool, typer.Option("--once", help="One round (due jobs, then every due intent), then exit.")
    ] = False,
    poll: Annotated[float, typer.Option(help="Seconds to wait when idle.", min=0.05)] = 1.0,
) -> None:
    """Apply intents and run jobs until interrupted (Ctrl-C or SIGTERM finish the current one)."""
    from lawline.logs import configure_logging
    from lawline.worker import worker_for

    configure_logging()
    runtime = open_runtime()
    worker = worker_for(runtime)
    try:
        if once:
            applied = worker.run_once()
            console.print(f"applied or retried {applied} intents")
            return

        def stop(_signal: int, _frame: FrameType | None) -> None:
            worker.stop()

        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
        console.print("worker running; Ctrl-C stops it")
        worker.run(poll_seconds=poll)
    finally:
        runtime.close()


@worker_app.command("status")
def worker_status() -> None:
    """Intents pending, failing (waiting to retry) and done."""
    from lawline.outbox.service import counts

    runtime = open_runtime()
    with runtime.sessions() as session:
        numbers = counts(session)
    console.print(
        f"pending {numbers['pending']}, failing {numbers['failing']}, done {numbers['done']}"
    )


def register(app: typer.Typer) -> None:
    app.add_typer(worker_app, name="worker")
