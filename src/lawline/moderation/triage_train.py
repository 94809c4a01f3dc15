"""Training the default triage model with scikit-learn, and reducing it to plain arrays.

Word and character n-gram TF-IDF (each part l2-normalised, as a `FeatureUnion` does), a linear
SVM with balanced class weights (rare labels such as csam count as much as `none`), wrapped in
`CalibratedClassifierCV` (sigmoid, `ensemble=False`: one SVM fitted on everything, calibrated on
cross-validated decisions) so that its probabilities mean something and an abstain band can be
drawn. Importing this module is what costs time; scoring never needs it.
"""

from __future__ import annotations

import hashlib
import inspect
import sys
from collections.abc import Sequence
from functools import lru_cache
from typing import Any

import numpy as np

from lawline.moderation import triage
from lawline.moderation.triage import ANALYZERS, LinearTriage

ABSTAIN_BELOW = 0.40  # a top probability under this is shown as `uncertain`
SVM_C = 1.0  # chosen by scripts/triage_select.py (source-grouped CV on training texts only)
DECISION_WEIGHT = 2.0  # a moderator's final decision counts more than one corpus line


@lru_cache(maxsize=1)
def code_digest() -> str:
    """Changes whenever the features, the scorer or the training recipe change."""
    source = inspect.getsource(triage) + inspect.getsource(sys.modules[__name__])
    return hashlib.sha256(source.encode()).hexdigest()


def version_for(rows: Sequence[dict[str, str]], weights: Sequence[float] | None = None) -> str:
    """`svm-<10 hex>`: a hash of the training rows (and weights) and of this code."""
    digest = hashlib.sha256(code_digest().encode())
    for index, row in enumerate(rows):
        weight = 1.0 if weights is None else weights[index]
        digest.update(f"{row['label']}\x1f{weight}\x1f{row['text']}\x1e".encode())
    return f"svm-{digest.hexdigest()[:10]}"


def fit(
    rows: Sequence[dict[str, str]],
    *,
    weights: Sequence[float] | None = None,
    version: str | None = None,
    abstain_below: float = ABSTAIN_BELOW,
) -> tuple[LinearTriage, Any]:
    """The fitted model as arrays, and the scikit-learn pipeline it came from (for checks)."""
    from sklearn.calibration import CalibratedClassifierCV
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.pipeline import FeatureUnion, make_pipeline
    from sklearn.svm import LinearSVC

    texts = [r["text"] for r in rows]
    labels = [r["label"] for r in rows]
    counts = {label: labels.count(label) for label in set(labels)}
    folds = max(2, min(5, min(counts.values())))
    union = FeatureUnion(
        [
            (
                name,
                TfidfVectorizer(
                    analyzer=ANALYZERS[name],
                    sublinear_tf=True,
                    min_df=2 if name == "chars" else 1,
                    dtype=np.float32,
                ),
            )
            for name in ("words", "chars")
        ]
    )
    svm = LinearSVC(C=SVM_C, class_weight="balanced", random_state=0)
    calibrated = CalibratedClassifierCV(svm, method="sigmoid", cv=folds, ensemble=False)
    pipeline = make_pipeline(union, calibrated)
    sample_weight = None if weights is None else np.asarray(weights, dtype=np.float64)
    pipeline.fit(texts, labels, calibratedclassifiercv__sample_weight=sample_weight)

    parts: list[tuple[str, dict[str, int], np.ndarray, int]] = []
    offset = 0
    for name, vectorizer in union.transformer_list:
        vocabulary = {str(k): int(v) for k, v in vectorizer.vocabulary_.items()}
        parts.append((name, vocabulary, np.asarray(vectorizer.idf_, dtype=np.float64), offset))
        offset += len(vocabulary)
    (member,) = calibrated.calibrated_classifiers_
    fitted_svm = member.estimator
    classes = [str(c) for c in calibrated.classes_]
    # calibrators follow the SVM's classes, which are the calibrated classes in the same order
    assert [str(c) for c in fitted_svm.classes_] == classes
    model = LinearTriage(
        version=version or version_for(rows, weights),
        classes=classes,
        parts=parts,
        coef=np.ascontiguousarray(fitted_svm.coef_.T, dtype=np.float64),
        intercept=np.asarray(fitted_svm.intercept_, dtype=np.float64),
        sigmoid_a=np.array([c.a_ for c in member.calibrators], dtype=np.float64),
        sigmoid_b=np.array([c.b_ for c in member.calibrators], dtype=np.float64),
        abstain_below=abstain_below,
        card={
            "trained_on": len(rows),
            "labels": dict(sorted(counts.items())),
            "code": code_digest(),
        },
    )
    return model, pipeline


def train(
    rows: Sequence[dict[str, str]],
    *,
    weights: Sequence[float] | None = None,
    version: str | None = None,
) -> LinearTriage:
    model, _ = fit(rows, weights=weights, version=version)
    return model
