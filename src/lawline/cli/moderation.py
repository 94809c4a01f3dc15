"""CLI commands of the moderation side: the moderation queue, decisions, the DSA
statement-of-reasons export. Registered on the main `lawline` app."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from lawline.cli.support import logged_in, open_runtime
from lawline.core.db import transaction
from lawline.core.errors import InvalidInput
from lawline.staff.permissions import Action

console = Console()
moderation_app = typer.Typer(
    help="Reports, the moderation queue, decisions, DSA statements.", no_args_is_help=True
)
search_app = typer.Typer(help="The public channel search.", no_args_is_help=True)


@search_app.command("reindex")
def search_reindex() -> None:
    """Index every channel of the platform (lawline serve does this at start)."""
    from lawline.search.service import reindex

    runtime = open_runtime()
    with transaction(runtime.sessions) as session:
        count = reindex(session, runtime.platform, runtime.clock)
    console.print(f"indexed {count} channels")


@search_app.command("query")
def search_query(
    q: str, limit: Annotated[int, typer.Option(help="At most this many.")] = 10
) -> None:
    """Search as the public does (delisted channels never appear)."""
    from lawline.search.service import search

    runtime = open_runtime()
    with runtime.sessions() as session:
        for hit in search(session, q, limit):
            console.print(
                f"t.me/{hit.name}  {hit.title}  ({hit.language}, {hit.kind})", highlight=False
            )


@moderation_app.command("queue")
def moderation_queue(limit: Annotated[int, typer.Option(help="At most this many.")] = 30) -> None:
    """Open cases, highest priority first; overdue ones are marked."""
    from lawline.moderation.queries import queue

    runtime = open_runtime()
    table = Table(
        "case", "target", "categories", "reports", "reporters", "suggestion", "deadline", "priority"
    )
    with runtime.sessions() as session:
        logged_in(session, runtime, Action.MODERATION_QUEUE_READ)
        items = queue(session, runtime.clock, limit=100_000)
        for item in items[:limit]:
            c = item.case
            suggestion = f"{c.triage_category} {c.triage_score:.2f}" if c.triage_model else "-"
            table.add_row(
                str(c.id),
                c.target_key,
                ", ".join(f"{k} {v}" for k, v in sorted(c.categories.items())),
                str(c.reports),
                str(c.reporters),
                suggestion,
                f"{c.deadline_at:%m-%d %H:%M}" + (" OVERDUE" if item.overdue else ""),
                f"{item.priority:.0f}",
            )
    console.print(table)
    overdue = sum(item.overdue for item in items)
    console.print(f"{len(items)} open cases, {overdue} overdue")


@moderation_app.command("decide")
def moderation_decide(
    case_id: int,
    action: Annotated[str, typer.Option(help="no_action, delist, remove or ban.")],
    category: Annotated[str, typer.Option(help="The category the decision rests on.")],
    facts: Annotated[str, typer.Option(help="Facts and circumstances (statement of reasons).")],
    unfounded: Annotated[bool, typer.Option(help="The notices were manifestly unfounded.")] = False,
) -> None:
    """Decide a case; the statement of reasons is recorded, and the platform action and the
    notices to the owner and reporters are queued for the worker."""
    from lawline.moderation.decisions import decide

    runtime = open_runtime()
    with transaction(runtime.sessions) as session:
        staff = logged_in(session, runtime, Action.MODERATION_DECIDE)
        decision = decide(
            session,
            runtime.moderation,
            case_id,
            staff=staff,
            action=action,
            category=category,
            facts=facts,
            manifestly_unfounded=unfounded,
        )
        decision_id, violation = decision.id, decision.violation_id
    console.print(
        f"case {case_id}: {action} ({decision_id})"
        + (f"; violation {violation} recorded" if violation else "")
    )


@moderation_app.command("trusted-flagger-add")
def trusted_flagger_add(name: str) -> None:
    """Register a trusted flagger (DSA Art. 22) and print its first API key (shown once); its
    notices, sent with `Authorization: Bearer <key>`, go first."""
    from lawline.moderation.flaggers import issue_key, register_trusted_flagger

    runtime = open_runtime()
    with transaction(runtime.sessions) as session:
        staff = logged_in(session, runtime, Action.FLAGGERS_MANAGE)
        flagger = register_trusted_flagger(
            session, name=name, actor=staff.actor, clock=runtime.clock
        )
        key_row, key = issue_key(session, flagger.id, actor=staff.actor, clock=runtime.clock)
        flagger_id, key_id = flagger.id, key_row.id
    console.print(f"trusted flagger {flagger_id}: {name}")
    console.print(f"API key {key_id} (store it now, it is not shown again): {key}", highlight=False)


@moderation_app.command("trusted-flagger-key")
def trusted_flagger_key(flagger_id: str) -> None:
    """Issue another API key to a trusted flagger (e.g. to rotate); printed once."""
    from lawline.moderation.flaggers import issue_key

    runtime = open_runtime()
    with transaction(runtime.sessions) as session:
        staff = logged_in(session, runtime, Action.FLAGGERS_MANAGE)
        key_row, key = issue_key(session, flagger_id, actor=staff.actor, clock=runtime.clock)
        key_id = key_row.id
    console.print(f"API key {key_id} (store it now, it is not shown again): {key}", highlight=False)


@moderation_app.command("trusted-flagger-revoke")
def trusted_flagger_revoke(key_id: str) -> None:
    """Revoke a trusted flagger's API key; reports sent with it are refused from now on."""
    from lawline.moderation.flaggers import revoke_key

    runtime = open_runtime()
    with transaction(runtime.sessions) as session:
        staff = logged_in(session, runtime, Action.FLAGGERS_MANAGE)
        revoke_key(session, key_id, actor=staff.actor, clock=runtime.clock)
    console.print(f"revoked {key_id}")


@moderation_app.command("flaggers")
def flaggers() -> None:
    """Each trusted flagger's accuracy: the share of its decided notices that were upheld."""
    from lawline.moderation.queries import flagger_accuracy

    runtime = open_runtime()
    with runtime.sessions() as session:
        logged_in(session, runtime, Action.FLAGGERS_READ)
        for name, (upheld, decided) in sorted(flagger_accuracy(session).items()):
            console.print(f"{name}: {upheld}/{decided} upheld ({upheld / decided:.0%})")


@moderation_app.command("export-sor")
def export_sor(
    since: Annotated[str, typer.Option(help="First day, YYYY-MM-DD.")],
) -> None:
    """Statements of reasons since DATE as JSON lines for the DSA Transparency Database API;
    each line is checked against that API's rules first (a bad one stops the export, exit 2)."""
    import json
    import sys
    from datetime import UTC, date, datetime, time

    from lawline.moderation.queries import decisions_since
    from lawline.moderation.statements import to_transparency_database, validate_statement

    try:
        start = datetime.combine(date.fromisoformat(since), time(), UTC)
    except ValueError:
        raise InvalidInput("not a date (YYYY-MM-DD) in --since", code="date_invalid") from None
    runtime = open_runtime()
    with runtime.sessions() as session:
        logged_in(session, runtime, Action.MODERATION_EXPORT)
        lines = []
        for decision in decisions_since(session, start):
            line = to_transparency_database(decision)
            if line is None:
                continue
            problems = validate_statement(line)
            if problems:
                raise InvalidInput(
                    f"statement {decision.id} breaks the submission rules: " + "; ".join(problems),
                    code="statement_invalid",
                )
            lines.append(line)
    for line in lines:
        sys.stdout.write(json.dumps(line, ensure_ascii=False) + "\n")


def register_all(app: typer.Typer) -> None:
    app.add_typer(moderation_app, name="moderation")
    app.add_typer(search_app, name="search")


@moderation_app.command("appeal")
def moderation_appeal(
    decision_id: str,
    account: Annotated[str, typer.Option(help="The appellant owner's account id.")],
    grounds: Annotated[str, typer.Option(help="Why the owner says the decision is wrong.")],
) -> None:
    """File an owner's appeal against a decision (within six months)."""
    from lawline.moderation.appeals import file_appeal

    runtime = open_runtime()
    with transaction(runtime.sessions) as session:
        staff = logged_in(session, runtime, Action.MODERATION_APPEAL_FILE)
        appeal = file_appeal(
            session,
            decision_id,
            staff=staff,
            appellant_account_id=account,
            grounds=grounds,
            clock=runtime.clock,
        )
    console.print(f"appeal {appeal.id} filed")


@moderation_app.command("decide-appeal")
def moderation_decide_appeal(
    appeal_id: str,
    reverse: Annotated[bool, typer.Option(help="Reverse the decision (restore, void).")],
    answer: Annotated[str, typer.Option(help="The answer the appellant receives.")],
) -> None:
    """Decide an appeal; a moderator other than the one who decided the case."""
    from lawline.moderation.appeals import decide_appeal

    runtime = open_runtime()
    with transaction(runtime.sessions) as session:
        staff = logged_in(session, runtime, Action.MODERATION_APPEAL_DECIDE)
        appeal = decide_appeal(
            session,
            runtime.moderation,
            appeal_id,
            staff=staff,
            reverse=reverse,
            answer=answer,
        )
        status = appeal.status
    console.print(f"appeal {appeal_id}: {status}")


@moderation_app.command("complaints")
def moderation_complaints(
    limit: Annotated[int, typer.Option(help="At most this many.", min=1, max=500)] = 100,
) -> None:
    """Notifiers' complaints waiting for an answer, oldest first (DSA Art. 20(1))."""
    from rich.text import Text

    from lawline.moderation.complaints import open_complaints

    runtime = open_runtime()
    table = Table("complaint", "decision", "report", "filed", "grounds")
    with runtime.sessions() as session:
        logged_in(session, runtime, Action.MODERATION_QUEUE_READ)
        waiting = open_complaints(session, limit)
        for complaint in waiting:
            table.add_row(
                complaint.id,
                complaint.decision_id,
                complaint.report_id,
                f"{complaint.filed_at:%Y-%m-%d %H:%M}",
                Text(complaint.grounds),  # the notifier's words: never read as markup
            )
    console.print(table)
    console.print(f"{len(waiting)} complaints waiting")


@moderation_app.command("decide-complaint")
def moderation_decide_complaint(
    complaint_id: str,
    upheld: Annotated[
        bool,
        typer.Option(
            "--upheld/--rejected",
            help="Upheld: the decision was wrong and the case is decided anew; rejected: it "
            "stands.",
        ),
    ],
    answer: Annotated[str, typer.Option(help="The answer the complainant receives.")],
) -> None:
    """Answer a notifier's complaint; a moderator other than the one who decided the case."""
    from lawline.moderation.complaints import decide_complaint

    runtime = open_runtime()
    with transaction(runtime.sessions) as session:
        staff = logged_in(session, runtime, Action.MODERATION_APPEAL_DECIDE)
        complaint = decide_complaint(
            session,
            runtime.moderation,
            complaint_id,
            staff=staff,
            upheld=upheld,
            answer=answer,
        )
        status = complaint.status
    console.print(f"complaint {complaint_id}: {status}")
