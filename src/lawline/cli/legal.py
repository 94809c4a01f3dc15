"""CLI commands of the legal side: the request queue, package verification and the retention
sweep; `register` also adds the authority registry (`cli.registry`). Registered on the main
`lawline` app."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from lawline.cli.registry import authority_app
from lawline.cli.support import logged_in, open_runtime, read_text_file, validated
from lawline.core.db import transaction
from lawline.staff.permissions import Action

console = Console()
requests_app = typer.Typer(
    help="The legal request queue: review, approve, reject, ask.", no_args_is_help=True
)
package_app = typer.Typer(help="Disclosure packages.", no_args_is_help=True)


# ---- requests -----------------------------------------------------------------------------
@requests_app.command("list")
def requests_list() -> None:
    """The open queue, soonest deadline first; overdue ones are marked."""
    from lawline.legal.queries import queue

    runtime = open_runtime()
    table = Table(
        "id", "type", "status", "authority", "offense", "deadline", "approvals", "warnings"
    )
    with runtime.sessions() as session:
        logged_in(session, runtime, Action.LEGAL_QUEUE_READ)
        for item in queue(session, runtime.legal):
            r = item.request
            deadline = f"{r.deadline_at:%Y-%m-%d %H:%M}" if r.deadline_at else "-"
            table.add_row(
                r.id,
                r.request_type,
                r.status,
                item.authority,
                r.offense,
                deadline + (" OVERDUE" if item.overdue else ""),
                str(item.approvals),
                ", ".join(sorted({w["code"] for w in r.warnings})),
            )
    console.print(table)


@requests_app.command("validations")
def requests_validations() -> None:
    """Emergency orders issued before validation (Reg. 2023/1543 Art. 4(5)): when their
    validation is due; OVERDUE once the 48 hours ran out (the sweep marks and audits it)."""
    from lawline.legal.validation import awaiting_validation

    runtime = open_runtime()
    now = runtime.clock.now()
    table = Table("id", "status", "validation due", "state")
    with runtime.sessions() as session:
        logged_in(session, runtime, Action.LEGAL_QUEUE_READ)
        for r in awaiting_validation(session):
            due = r.validation_due_at
            late = r.validation_state == "overdue" or (due is not None and due <= now)
            table.add_row(
                r.id,
                r.status,
                f"{due:%Y-%m-%d %H:%M}" if due else "-",
                "OVERDUE" if late else "pending",
            )
    console.print(table)


@requests_app.command("show")
def requests_show(request_id: str) -> None:
    """Show a request with its targets, checks, warnings and reviews (no personal data)."""
    from lawline.legal.queries import approvers, get_request, targets_of

    runtime = open_runtime()
    with runtime.sessions() as session:
        logged_in(session, runtime, Action.LEGAL_REQUEST_READ)
        r = get_request(session, request_id)
        console.print(
            f"{r.id} {r.request_type} [{r.status}] regime {r.regime}"
            f"{' (binding)' if r.binding else ''}"
        )
        console.print(
            f"instrument {r.instrument_kind} {r.instrument_reference} by "
            f"{r.issuing_body} ({r.issuer_role}); offense {r.offense}; "
            f"categories {', '.join(r.categories)}"
        )
        console.print(
            "targets: "
            + "; ".join(
                f"{t.position}. {t.ref_display} -> account {t.account_id or 'not found'}"
                for t in targets_of(session, r.id)
            )
        )
        for label, items in (("failed checks", r.reasons), ("warnings", r.warnings)):
            for item in items:
                console.print(f"{label}: {item['code']}: {item['message']}")
        console.print(f"approvals: {', '.join(sorted(approvers(session, r))) or 'none'}")


@requests_app.command("approve")
def requests_approve(
    request_id: str,
    acknowledge_warnings: Annotated[bool, typer.Option(help="Acknowledge the warnings.")] = False,
) -> None:
    """Approve; the second distinct approver's approval builds and seals the package."""
    from lawline.legal.review import approve

    runtime = open_runtime()
    with transaction(runtime.sessions) as session:
        staff = logged_in(session, runtime, Action.LEGAL_REQUEST_APPROVE)
        request = approve(
            session,
            runtime.legal,
            request_id,
            staff=staff,
            acknowledge_warnings=acknowledge_warnings,
        )
        status = request.status
    console.print(f"{request_id}: {status}")


@requests_app.command("reject")
def requests_reject(
    request_id: str,
    reason: Annotated[str, typer.Option(help="The reason given to the authority.")],
    ground: Annotated[str | None, typer.Option(help="Refusal ground (binding orders).")] = None,
) -> None:
    """Reject with a reason (and, for a binding order, a ground its regime lists)."""
    from lawline.legal.review import reject

    runtime = open_runtime()
    with transaction(runtime.sessions) as session:
        staff = logged_in(session, runtime, Action.LEGAL_REQUEST_REJECT)
        reject(
            session,
            runtime.legal,
            request_id,
            staff=staff,
            reason=reason,
            ground=ground,
        )
    console.print(f"{request_id}: rejected")


@requests_app.command("ask")
def requests_ask(
    request_id: str,
    question: Annotated[str, typer.Option(help="What the authority must clarify.")],
) -> None:
    """Ask the authority for information; the deadline pauses until it answers."""
    from lawline.legal.review import ask_for_information

    runtime = open_runtime()
    with transaction(runtime.sessions) as session:
        staff = logged_in(session, runtime, Action.LEGAL_REQUEST_ASK)
        ask_for_information(session, runtime.legal, request_id, staff=staff, question=question)
    console.print(f"{request_id}: needs_info")


@requests_app.command("callback")
def requests_callback(
    request_id: str,
    contact_id: Annotated[int, typer.Option(help="Registry contact called.")],
    confirmed: Annotated[bool, typer.Option(help="Did the contact confirm the request?")],
    note: Annotated[str, typer.Option(help="Note of the call.")] = "",
) -> None:
    """Record the call-back an emergency request needs before approval."""
    from lawline.legal.review import record_callback

    runtime = open_runtime()
    with transaction(runtime.sessions) as session:
        staff = logged_in(session, runtime, Action.LEGAL_CALLBACK_RECORD)
        record_callback(
            session,
            runtime.legal,
            request_id,
            staff=staff,
            contact_id=contact_id,
            confirmed=confirmed,
            note=note,
        )
    console.print(f"{request_id}: call-back recorded")


@requests_app.command("notice")
def requests_notice(
    request_id: str,
    kind: Annotated[
        str,
        typer.Option(
            help="manifest_error, de_facto_impossibility, immunities_or_press_freedom or "
            "partial_or_late (Annex III)."
        ),
    ],
    explanation: Annotated[str, typer.Option(help="Why; name records by id, never by value.")],
    clarification: Annotated[
        str | None, typer.Option(help="What the authority should correct or clarify.")
    ] = None,
) -> None:
    """Send the issuing authority an Annex III notice (Reg. 2023/1543 Art. 10(5)-(8)); it reads
    it with `lawline-authority notices`."""
    from lawline.legal import notices
    from lawline.legal.schemas import NoticeIn

    payload = validated(NoticeIn, kind=kind, explanation=explanation, clarification=clarification)
    runtime = open_runtime()
    with transaction(runtime.sessions) as session:
        staff = logged_in(session, runtime, Action.LEGAL_NOTICE_SEND)
        notice = notices.send_notice(session, request_id, payload, staff=staff, clock=runtime.clock)
        line = f"{request_id}: notice {notice.id} ({payload.kind}) sent"
    console.print(line, highlight=False)


@requests_app.command("enforcing-answer")
def requests_enforcing_answer(
    request_id: str,
    confirmed: Annotated[
        bool,
        typer.Option(
            "--confirmed/--refused",
            help="The enforcing authority raised no ground (Art. 10(2)), or it raised one.",
        ),
    ],
    ground: Annotated[
        str | None, typer.Option(help="The Art. 12 ground it raised (with --refused).")
    ] = None,
) -> None:
    """Record the notified enforcing authority's answer (Reg. 2023/1543 Art. 8, 10(2), 12)."""
    from lawline.legal.enforcing import record_enforcing_answer
    from lawline.legal.schemas import EnforcingAnswerIn

    payload = validated(EnforcingAnswerIn, confirmed=confirmed, ground=ground)
    runtime = open_runtime()
    with transaction(runtime.sessions) as session:
        staff = logged_in(session, runtime, Action.LEGAL_ENFORCING_ANSWER)
        request = record_enforcing_answer(
            session,
            runtime.legal,
            request_id,
            staff=staff,
            confirmed=payload.confirmed,
            ground=payload.ground,
        )
        line = f"{request_id}: enforcing authority's answer recorded; {request.status}"
    console.print(line, highlight=False)


@requests_app.command("notifications")
def requests_notifications() -> None:
    """Affected users who may now be told of a disclosure (their non-disclosure date passed)."""
    from lawline.legal.queries import notifications_due

    runtime = open_runtime()
    with runtime.sessions() as session:
        logged_in(session, runtime, Action.LEGAL_NOTIFICATIONS_READ)
        for n in notifications_due(session, runtime.legal):
            console.print(
                f"account {n.account_id}: request {n.request_id}, due {n.due_at:%Y-%m-%d}"
            )


# ---- packages and retention -----------------------------------------------------------------
@package_app.command("verify")
def package_verify(
    directory: Annotated[Path, typer.Argument(help="A decrypted, unpacked package.")],
    public_key: Annotated[
        Path | None,
        typer.Option(help="The platform public key (base64 or PEM); default: this installation's."),
    ] = None,
) -> None:
    """Check every file against the manifest and the manifest's platform signature (exit 1)."""
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

    from lawline.authorities.service import parse_public_key
    from lawline.disclosure.package import verify_package_dir

    key = (
        Ed25519PublicKey.from_public_bytes(parse_public_key(read_text_file(public_key)))
        if public_key
        else open_runtime(database=False).signing_key.public
    )
    result = verify_package_dir(directory, key)
    if not result.ok:
        console.print(f"package NOT valid: {result.problem}")
        raise typer.Exit(1)
    console.print(f"package valid: {len(result.files)} files match the signed manifest")
    console.print(json.dumps(result.files, indent=2))


def sweep() -> None:
    """Expire preservation holds past their period; delete packages past retention."""
    from lawline.legal.retention import sweep as run_sweep

    runtime = open_runtime()
    with transaction(runtime.sessions) as session:
        counts = run_sweep(session, runtime.legal)
    console.print(", ".join(f"{k.replace('_', ' ')}: {v}" for k, v in counts.items()))


def register(app: typer.Typer) -> None:
    app.add_typer(authority_app, name="authority")
    app.add_typer(requests_app, name="requests")
    app.add_typer(package_app, name="package")
    app.command("sweep")(sweep)
