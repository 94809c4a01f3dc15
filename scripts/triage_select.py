"""Choose the triage model's SVM regularisation by cross-validation grouped by source, on the
training texts only: the frozen held-out set (`triage_data/heldout/`) is never looked at here,
so its figures stay a measure of text the recipe was not tuned on.

Each fold leaves out whole sources (a language's block of one kind of writing: `nl/shop-ads`,
`ru/court-news`...), the way the held-out set differs from training.
Run: python scripts/triage_select.py [C ...]   (prints macro-F1 per C; about a minute per C)
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from lawline.moderation import triage_train
from lawline.moderation.triage import evaluate

DATA = Path(__file__).parents[1] / "src" / "lawline" / "moderation" / "triage_data"
FOLDS = 5


def main() -> None:
    from sklearn.model_selection import GroupKFold

    rows = [json.loads(line) for line in (DATA / "train.jsonl").open(encoding="utf-8")]
    groups = [row["source"] for row in rows]
    choices = [float(c) for c in sys.argv[1:]] or [0.1, 0.25, 0.5, 1.0]
    for c in choices:
        triage_train.SVM_C = c
        scores = []
        for train_index, test_index in GroupKFold(FOLDS).split(rows, groups=groups):
            model = triage_train.train([rows[i] for i in train_index])
            scores.append(evaluate(model, [rows[i] for i in test_index]).macro_f1)
        mean = sum(scores) / len(scores)
        print(f"C={c:<5} macro-F1 by source-grouped {FOLDS}-fold CV: {mean:.3f}", flush=True)


if __name__ == "__main__":
    main()
