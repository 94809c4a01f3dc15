"""`lawline triage`: score and evaluate texts, train from moderators' decisions behind a gate,
list, promote and roll back model versions. Registered on the main `lawline` app.

`triage score` and `triage eval` are reached by `lawline.cli.entry` without importing the rest
of the CLI (database, migrations, crypto), so that scoring one text stays well under a second;
this module therefore imports those parts only inside the commands that need them.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, time
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.table import Table

from lawline.core.errors import InvalidInput, LawlineError

if TYPE_CHECKING:
    from lawline.moderation.triage_store import ModelStore

console = Console()
triage_app = typer.Typer(
    help="The triage classifier: score, evaluate, retrain from decisions, manage versions.",
    no_args_is_help=True,
)
Model = Annotated[str, typer.Option(help="tfidf (the persisted default), or embedding.")]


def _model(name: str) -> object:
    from lawline.core.settings import Settings
    from lawline.moderation.triage_store import configured_model

    return configured_model(name, Settings().data_dir)


@triage_app.command("score")
def triage_score(
    text: Annotated[str, typer.Argument(help="The text to classify.")], model: Model = "tfidf"
) -> None:
    """Suggest a category (`none`, or `uncertain` below the abstain band) with its probability."""
    from lawline.moderation.triage import TriageModel

    triage: TriageModel = _model(model)  # type: ignore[assignment]
    suggestion = triage.score(text)
    top = sorted(suggestion.probabilities.items(), key=lambda kv: -kv[1])[:3]
    console.print(
        f"{suggestion.category} {suggestion.score:.3f} (model {suggestion.model}; "
        + ", ".join(f"{k} {v:.3f}" for k, v in top)
        + ")",
        highlight=False,
    )


def _print_scores(title: str | None, evaluation: object) -> None:
    from lawline.moderation.triage import Evaluation

    assert isinstance(evaluation, Evaluation)
    if title:
        console.print(f"\n== {title}: {evaluation.total} texts", highlight=False, markup=False)
    console.print(f"{'label':<14} {'precision':>9} {'recall':>7} {'f1':>6} {'support':>8}")
    for s in evaluation.labels:
        console.print(
            f"{s.label:<14} {s.precision:>9.3f} {s.recall:>7.3f} {s.f1:>6.3f} {s.support:>8}",
            highlight=False,
        )


@triage_app.command("eval")
def triage_eval(
    file: Annotated[Path, typer.Argument(help='JSON lines: {"text", "label"[, "lang"]}.')],
    model: Model = "tfidf",
    by_language: Annotated[
        bool, typer.Option("--by-language", help="Also the figures of each `lang` of the file.")
    ] = False,
) -> None:
    """Precision, recall and F1 per label, then `macro-F1: 0.xxx` over the labels present."""
    from lawline.moderation.triage import (
        LABELS,
        TriageModel,
        evaluate,
        evaluate_by_language,
        load_corpus,
    )

    try:
        rows = load_corpus(file)
    except (OSError, ValueError) as exc:
        raise InvalidInput(f"cannot read {file}: {exc}", code="file_unreadable") from None
    unknown = sorted({r["label"] for r in rows} - set(LABELS))
    if unknown:
        raise InvalidInput(
            f"unknown labels {unknown}; known: {', '.join(LABELS)}", code="label_unknown"
        )
    if not rows:
        raise InvalidInput(f"{file} holds no examples", code="file_empty")
    triage: TriageModel = _model(model)  # type: ignore[assignment]
    if by_language:
        languages = evaluate_by_language(triage, rows)
        for lang, evaluation in languages.items():
            _print_scores(lang, evaluation)
        console.print(f"\n{'lang':<6} {'texts':>6} {'macro-F1':>9}")
        for lang, evaluation in languages.items():
            console.print(
                f"{lang:<6} {evaluation.total:>6} {evaluation.macro_f1:>9.3f}", highlight=False
            )
        console.print()
    overall = evaluate(triage, rows)
    _print_scores("all" if by_language else None, overall)
    console.print(
        f"uncertain: {overall.abstained} of {overall.total} "
        f"({overall.abstained_wrong} of them would have been wrong)",
        highlight=False,
    )
    console.print(f"macro-F1: {overall.macro_f1:.3f}", highlight=False)


def _since(value: str | None) -> datetime | None:
    if value is None:
        return None
    try:
        return datetime.combine(date.fromisoformat(value), time(), tzinfo=UTC)
    except ValueError:
        raise InvalidInput("--since takes a date: YYYY-MM-DD", code="date_malformed") from None


@triage_app.command("train")
def triage_train(
    from_decisions: Annotated[
        bool,
        typer.Option(
            "--from-decisions", help="Add moderators' final decisions; promote only if not worse."
        ),
    ] = False,
    since: Annotated[
        str | None, typer.Option(help="Only decisions on or after this date (YYYY-MM-DD).")
    ] = None,
) -> None:
    """Train the default model into the data directory (once), or a candidate from decisions
    (logged in as an admin; audited)."""
    from lawline.audit import service as audit
    from lawline.cli.support import logged_in, open_runtime
    from lawline.core.db import transaction
    from lawline.moderation.triage_store import ModelStore
    from lawline.staff.permissions import Action

    runtime = open_runtime(database=from_decisions)
    store = ModelStore(runtime.settings.data_dir)
    if not from_decisions:
        if since is not None:
            raise InvalidInput("--since needs --from-decisions", code="option_conflict")
        model = store.ensure_default()
        console.print(f"default model {model.version} in {store.root}", highlight=False)
        return
    from lawline.moderation.triage_learning import decision_rows, retrain

    with transaction(runtime.sessions) as session:
        staff = logged_in(session, runtime, Action.TRIAGE_MODELS_MANAGE)
        rows = decision_rows(session, runtime.platform, _since(since))
        if not rows:
            raise InvalidInput("no decisions to learn from", code="no_decisions")
        outcome = retrain(
            store, rows, source=f"corpus + {len(rows)} decisions since {since or '-'}"
        )
        audit.append(
            session,
            "triage.model.trained",
            actor=staff.actor,
            subject=f"triage-model:{outcome.candidate}",
            body={
                "decisions": outcome.decisions,
                "since": since,
                "candidate_macro_f1": round(outcome.candidate_f1, 4),
                "current": outcome.current,
                "current_macro_f1": round(outcome.current_f1, 4),
                "promoted": outcome.promoted,
            },
            clock=runtime.clock,
        )
    verdict = "promoted" if outcome.promoted else "refused (worse than the current model)"
    console.print(
        f"candidate {outcome.candidate} macro-F1 {outcome.candidate_f1:.3f} against "
        f"{outcome.current} {outcome.current_f1:.3f} on the frozen set, "
        f"{outcome.decisions} decisions: {verdict}",
        highlight=False,
    )


@triage_app.command("models")
def triage_models() -> None:
    """Model versions with their figures and, where decisions exist, how often moderators
    followed each version's suggestion."""
    from lawline.cli.support import open_runtime
    from lawline.core.db import transaction
    from lawline.moderation.triage_learning import Agreement, agreement_by_model
    from lawline.moderation.triage_store import ModelStore

    runtime = open_runtime(database=False)
    agreement: dict[str, Agreement] = {}
    try:
        runtime.require_current_schema()
        with transaction(runtime.sessions) as session:
            agreement = agreement_by_model(session)
    except LawlineError:
        pass  # no database yet: the figures alone
    table = Table(
        "version", "current", "created", "source", "texts", "macro-F1", "decisions", "followed"
    )
    store = ModelStore(runtime.settings.data_dir)
    for entry in store.entries():
        seen = agreement.get(entry.version)
        table.add_row(
            entry.version,
            "*" if entry.current else "",
            str(entry.card.get("created_at", "")),
            str(entry.card.get("source", "")),
            str(entry.card.get("trained_on", "")),
            f"{entry.card.get('macro_f1', 0.0):.3f}",
            str(seen.decisions) if seen else "0",
            f"{1 - seen.override_rate:.0%}" if seen else "-",
        )
    console.print(table)


@triage_app.command("promote")
def triage_promote(
    version: Annotated[str, typer.Argument(help="A version from `models`.")],
) -> None:
    """Make a stored model the current one (logged in as an admin; audited)."""
    with _model_change("triage.model.promoted") as (store, body):
        body["previous"] = store.current_version()
        store.promote(version)
        body["current"] = version
    console.print(f"current triage model: {version}", highlight=False)


@triage_app.command("rollback")
def triage_rollback() -> None:
    """Make the previous current model current again (logged in as an admin; audited)."""
    with _model_change("triage.model.rolled_back") as (store, body):
        body["previous"] = store.current_version()
        version = store.rollback()
        body["current"] = version
    console.print(f"current triage model: {version}", highlight=False)


@contextmanager
def _model_change(entry_type: str) -> Iterator[tuple[ModelStore, dict[str, str | None]]]:
    """A logged-in admin's change of the current model, with its audit entry. The model registry
    is a file, not a table: a refused change (unknown version, nothing to roll back to) raises
    before the entry is written, so it leaves nothing; the entry is appended right after a
    change, in the transaction that checked the login."""
    from lawline.audit import service as audit
    from lawline.cli.support import logged_in, open_runtime
    from lawline.core.db import transaction
    from lawline.moderation.triage_store import ModelStore
    from lawline.staff.permissions import Action

    runtime = open_runtime()
    with transaction(runtime.sessions) as session:
        staff = logged_in(session, runtime, Action.TRIAGE_MODELS_MANAGE)
        store = ModelStore(runtime.settings.data_dir)
        body: dict[str, str | None] = {}
        yield store, body
        audit.append(
            session,
            entry_type,
            actor=staff.actor,
            subject=f"triage-model:{body['current']}",
            body=body,
            clock=runtime.clock,
        )


def register(app: typer.Typer) -> None:
    app.add_typer(triage_app, name="triage")
