"""The triage model: one text through the array scorer against scikit-learn's calibrated
pipeline on the same fitted model, plus the cost of training once and of loading from disk."""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

from bench.common import Figure, percentile


def triage_default(quick: bool) -> Figure | None:
    import joblib

    from lawline.moderation.triage import DATA, load_corpus
    from lawline.moderation.triage_train import fit

    rows = load_corpus(DATA / "train.jsonl")
    started = time.perf_counter()
    model, pipeline = fit(rows)
    train_s = time.perf_counter() - started
    texts = [r["text"] for r in load_corpus(DATA / "heldout.jsonl")]
    texts = texts * (2 if quick else 20)
    samples = []
    for text in texts:
        t0 = time.perf_counter()
        model.score(text)
        samples.append((time.perf_counter() - t0) * 1e3)
    samples.sort()
    pipeline_samples = []
    for text in texts[:300]:
        t0 = time.perf_counter()
        pipeline.predict_proba([text])
        pipeline_samples.append((time.perf_counter() - t0) * 1e3)
    pipeline_samples.sort()
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "model.joblib"
        joblib.dump(model, path)
        t0 = time.perf_counter()
        joblib.load(path)
        load_ms = (time.perf_counter() - t0) * 1e3
    return Figure(
        value=percentile(samples, 0.5),
        unit="ms per text (p50)",
        baseline=percentile(pipeline_samples, 0.5),
        baseline_label="the same model through scikit-learn's pipeline",
        higher_is_better=False,
        goal="well under 1 ms a text",
        details={
            "p99_ms": round(percentile(samples, 0.99), 3),
            "train_seconds": round(train_s, 2),
            "load_ms": round(load_ms, 1),
            "features": sum(len(v) for _, v, _, _ in model.parts),
        },
    )


def triage_embedding(quick: bool) -> Figure | None:
    return None  # the optional lawline[ml] model; not measured here
