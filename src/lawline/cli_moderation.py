"""CLI commands of the moderation side: triage, the moderation queue, decisions, the DSA
statement-of-reasons export. Registered on the main `lawline` app."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from lawline.core.errors import InvalidInput

console = Console()
triage_app = typer.Typer(
    help="The triage classifier: score a text, evaluate on a labelled file.", no_args_is_help=True
)


@triage_app.command("score")
def triage_score(text: Annotated[str, typer.Argument(help="The text to classify.")]) -> None:
    """Suggest a category (or `none`) for one text, with its probability."""
    from lawline.moderation.triage import default_model

    suggestion = default_model().score(text)
    top = sorted(suggestion.probabilities.items(), key=lambda kv: -kv[1])[:3]
    console.print(
        f"{suggestion.category} {suggestion.score:.3f} (model {suggestion.model}; "
        + ", ".join(f"{k} {v:.3f}" for k, v in top)
        + ")",
        highlight=False,
    )


@triage_app.command("eval")
def triage_eval(
    file: Annotated[Path, typer.Argument(help='JSON lines: {"text": ..., "label": ...}.')],
) -> None:
    """Precision, recall and F1 per label, then `macro-F1: 0.xxx` over the labels present."""
    from lawline.moderation.triage import LABELS, default_model, evaluate, load_corpus

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
    scores, macro = evaluate(default_model(), rows)
    console.print(f"{'label':<14} {'precision':>9} {'recall':>7} {'f1':>6} {'support':>8}")
    for s in scores:
        console.print(
            f"{s.label:<14} {s.precision:>9.3f} {s.recall:>7.3f} {s.f1:>6.3f} {s.support:>8}",
            highlight=False,
        )
    console.print(f"macro-F1: {macro:.3f}", highlight=False)


def register(app: typer.Typer) -> None:
    app.add_typer(triage_app, name="triage")
