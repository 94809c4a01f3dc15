"""Triage: texts per second and held-out macro-F1.

Default model: one text at a time through lawline's array scorer, against the same fitted model
through scikit-learn's calibrated pipeline (also one text at a time, as a report arrives), plus
training once and loading from disk. Embedding model (only when the `ml` extra is installed):
one text at a time through `EmbeddingTriage.score`, against the raw MiniLM encoder on the same
texts, so the ratio is what the head and the suggestion cost on top of the encoder.
"""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

from bench.common import Figure, percentile


def triage_default(quick: bool) -> Figure | None:
    import joblib

    from lawline.moderation.triage import DATA, evaluate, load_corpus
    from lawline.moderation.triage_train import fit

    rows = load_corpus(DATA / "train.jsonl")
    started = time.perf_counter()
    model, pipeline = fit(rows)
    train_s = time.perf_counter() - started
    heldout = load_corpus(DATA / "heldout.jsonl")
    texts = [r["text"] for r in heldout] * (5 if quick else 50)
    samples = []
    t_all = time.perf_counter()
    for text in texts:
        t0 = time.perf_counter()
        model.score(text)
        samples.append((time.perf_counter() - t0) * 1e3)
    per_second = len(texts) / (time.perf_counter() - t_all)
    some = texts[:300]
    t0 = time.perf_counter()
    for text in some:
        pipeline.predict_proba([text])
    pipeline_per_second = len(some) / (time.perf_counter() - t0)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "model.joblib"
        joblib.dump(model, path)
        t0 = time.perf_counter()
        joblib.load(path)
        load_ms = (time.perf_counter() - t0) * 1e3
    return Figure(
        value=per_second,
        unit="texts/s (one at a time)",
        baseline=pipeline_per_second,
        baseline_label="the same fitted model through scikit-learn's pipeline, one text a call",
        higher_is_better=True,
        goal=">= 5,000 texts/s",
        details={
            "macro_f1_heldout": round(evaluate(model, heldout).macro_f1, 3),
            "p50_ms": percentile(samples, 0.5),
            "p99_ms": percentile(samples, 0.99),
            "train_seconds": train_s,
            "load_ms": load_ms,
        },
    )


def triage_embedding(quick: bool) -> Figure | None:
    """`EmbeddingTriage.score` one text a call against the raw encoder making the same
    normalised embedding one text a call (tokenizer, MiniLM forward, pooling, normalisation under
    `torch.inference_mode`, no head). Both run in one process on one thread (torch, BLAS and
    OpenMP), warmed up, interleaved text by text with alternating order, so machine load hits
    both alike. sentence-transformers' own `encode([text])` is timed the same way, as a detail."""
    try:
        import torch
        from threadpoolctl import threadpool_limits

        from lawline.moderation.triage_embedding import embedding_model
    except ImportError:
        return None
    from lawline.core.errors import ConfigurationError
    from lawline.moderation.triage import DATA, evaluate_suggestions, load_corpus

    threads = 1
    torch.set_num_threads(threads)
    try:
        started = time.perf_counter()
        model = embedding_model()
        train_s = time.perf_counter() - started
    except ConfigurationError:
        return None  # the ml extra is not installed
    encoder = model.encoder

    def raw_encoder(text: str) -> object:
        features = encoder.preprocess([text])
        with torch.inference_mode():
            embedding = encoder(features)["sentence_embedding"]
            return torch.nn.functional.normalize(embedding, p=2, dim=1).numpy()

    def st_encode(text: str) -> object:
        return encoder.encode([text], normalize_embeddings=True)

    heldout = load_corpus(DATA / "heldout.jsonl")
    texts = [r["text"] for r in heldout][: 100 if quick else None]
    for text in texts[:10]:  # warm-up: first calls allocate and pick kernels
        raw_encoder(text)
        model.score(text)
        st_encode(text)
    paths = {"raw": raw_encoder, "model": model.score, "encode": st_encode}
    spent = dict.fromkeys(paths, 0.0)
    suggestions = []
    with threadpool_limits(limits=threads):  # numpy/scipy BLAS and OpenMP as torch: one thread
        for index, text in enumerate(texts):
            order = list(paths) if index % 2 == 0 else list(reversed(paths))
            for name in order:
                t0 = time.perf_counter()
                result = paths[name](text)
                spent[name] += time.perf_counter() - t0
                if name == "model":
                    suggestions.append(result)
    suggestions += [model.score(r["text"]) for r in heldout[len(suggestions) :]]
    per_second = {name: len(texts) / seconds for name, seconds in spent.items()}
    return Figure(
        value=per_second["model"],
        unit="texts/s (one at a time)",
        baseline=per_second["raw"],
        baseline_label=(
            "the raw MiniLM encoder making the same normalised embeddings, one text a call "
            "(interleaved, same thread)"
        ),
        higher_is_better=True,
        goal=">= 0.9 x the raw encoder",
        details={
            "macro_f1_heldout": round(evaluate_suggestions(heldout, suggestions).macro_f1, 3),
            "st_encode_per_second": per_second["encode"],
            "torch_threads": threads,
            "texts_timed": len(texts),
            "train_seconds": train_s,
        },
    )
