"""Learning from moderators: their final decisions become training data for a candidate model,
which replaces the current one only if it does at least as well on the frozen evaluation set.

A decision's label is its category, or `none` when the moderator took no action or an appeal
reversed it (the final word counts). Every decision keeps the model version its moderator was
shown (`Decision.suggestion_model`), so agreement can be reported per version.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import case as when
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from lawline.moderation.models import Case, Decision
from lawline.moderation.reports import target_text
from lawline.moderation.triage import LABELS, LinearTriage, TriageModel, evaluate
from lawline.moderation.triage_store import ModelStore, shipped_rows
from lawline.platform.protocol import Platform


def card_figures(model: TriageModel, eval_rows: Sequence[dict[str, str]]) -> dict[str, object]:
    result = evaluate(model, list(eval_rows))
    return {
        "macro_f1": round(result.macro_f1, 4),
        "f1": {s.label: round(s.f1, 4) for s in result.labels},
        "abstained": round(result.abstained / result.total, 4) if result.total else 0.0,
        "evaluated_on": result.total,
    }


def train_with_card(
    rows: Sequence[dict[str, str]],
    *,
    source: str,
    weights: Sequence[float] | None = None,
    eval_rows: Sequence[dict[str, str]] | None = None,
) -> LinearTriage:
    """Train, and write on the model's card its source and its figures on the frozen set."""
    from lawline.moderation.triage_train import train

    model = train(rows, weights=weights)
    model.card["source"] = source
    model.card.update(card_figures(model, eval_rows or shipped_rows("heldout")))
    return model


def decision_rows(
    session: Session, platform: Platform, since: datetime | None = None
) -> list[dict[str, str]]:
    """One labelled text per decision (after appeals) on a target the platform still knows."""
    query = select(Decision, Case).join(Case, Case.id == Decision.case_id)
    if since is not None:
        query = query.where(Decision.decided_at >= since)
    rows = []
    for decision, case in session.execute(query.order_by(Decision.decided_at)).all():
        text = target_text(platform, case)
        if not text:
            continue
        final = decision.action == "no_action" or decision.reversed_at is not None
        label = "none" if final else decision.category
        if label in LABELS:
            rows.append({"text": text, "label": label, "source": f"decision:{decision.id}"})
    return rows


@dataclass(frozen=True)
class Retraining:
    candidate: str
    candidate_f1: float
    current: str
    current_f1: float
    decisions: int
    promoted: bool


def retrain(
    store: ModelStore,
    extra_rows: Sequence[dict[str, str]],
    *,
    base_rows: Sequence[dict[str, str]] | None = None,
    eval_rows: Sequence[dict[str, str]] | None = None,
    source: str = "decisions",
) -> Retraining:
    """Train a candidate on the corpus plus `extra_rows`; promote it only if its macro-F1 on the
    frozen evaluation set is not below the current model's on the same set."""
    from lawline.moderation.triage_train import DECISION_WEIGHT

    base = list(base_rows if base_rows is not None else shipped_rows())
    frozen = list(eval_rows if eval_rows is not None else shipped_rows("heldout"))
    current = store.current()
    current_f1 = round(evaluate(current, frozen).macro_f1, 4)
    weights = [1.0] * len(base) + [DECISION_WEIGHT] * len(extra_rows)
    candidate = train_with_card(
        base + list(extra_rows), source=source, weights=weights, eval_rows=frozen
    )
    candidate_f1 = float(candidate.card["macro_f1"])
    promoted = candidate_f1 >= current_f1
    candidate.card["gate"] = {
        "against": current.version,
        "against_f1": current_f1,
        "promoted": promoted,
        "at": datetime.now(UTC).isoformat(timespec="seconds"),
    }
    candidate.card["decisions"] = len(extra_rows)
    store.save(candidate, make_current_if_none=False)
    if promoted:
        store.promote(candidate.version)
    return Retraining(
        candidate.version, candidate_f1, current.version, current_f1, len(extra_rows), promoted
    )


@dataclass(frozen=True)
class Agreement:
    model: str
    decisions: int
    followed: int

    @property
    def override_rate(self) -> float:
        return 1.0 - self.followed / self.decisions if self.decisions else 0.0


def agreement_by_model(session: Session) -> dict[str, Agreement]:
    """How often moderators followed each model version's suggestion."""
    query = (
        select(
            Decision.suggestion_model,
            func.count(),
            func.sum(when((Decision.followed_suggestion.is_(True), 1), else_=0)),
        )
        .where(Decision.suggestion_model.is_not(None))
        .group_by(Decision.suggestion_model)
    )
    return {
        str(model): Agreement(str(model), int(count), int(followed or 0))
        for model, count, followed in session.execute(query).all()
    }
