"""Triage: a classifier suggests a category for a case's target from its public text.

AI proposes, people decide: the suggestion (category, probability, model version) is stored on
the case and shown to the moderator, never acted on by itself. Below the abstain band the
suggestion is `uncertain` rather than a label the model does not believe in.

The default model (trained by `triage_train`, kept on disk by `triage_store`) is a linear model
over word and character n-grams with calibrated probabilities. Scoring needs neither
scikit-learn nor the fitted pipeline: the vocabularies, IDF weights, coefficients and the
calibration's sigmoids are plain arrays, and a text costs a dictionary look-up per word feature,
one pass of an Aho-Corasick automaton over the vocabulary's character n-grams (`CharGrams`), and
one small dot product. `triage_train` checks that this path agrees with scikit-learn's own.
"""

from __future__ import annotations

import json
import math
import operator
import re
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from itertools import pairwise, repeat
from pathlib import Path
from typing import Any, Protocol

import ahocorasick
import numpy as np

from lawline.moderation.categories import CATEGORIES

DATA = Path(__file__).parent / "triage_data"
# the report categories, except `other` (no text pattern to learn), plus `none` (nothing wrong)
LABELS = (*(c for c in CATEGORIES if c != "other"), "none")
UNCERTAIN = "uncertain"  # the suggestion below the abstain band: no label is shown as likely


@dataclass(frozen=True)
class Suggestion:
    category: str  # one of LABELS, or UNCERTAIN below the model's abstain band
    score: float  # probability of the most likely label
    model: str  # model version
    probabilities: dict[str, float]
    label: str = ""  # the most likely label, even when `category` is UNCERTAIN

    @property
    def top(self) -> str:
        return self.label or self.category


class TriageModel(Protocol):
    version: str

    def score(self, text: str) -> Suggestion: ...


def load_corpus(path: Path) -> list[dict[str, str]]:
    """JSON lines `{"text", "label"}`, optionally with `lang` and `source`."""
    rows = []
    with path.open(encoding="utf-8") as handle:
        for number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            row = json.loads(line)
            if not isinstance(row, dict) or "text" not in row or "label" not in row:
                raise ValueError(f'{path}:{number}: each line is {{"text": ..., "label": ...}}')
            item = {"text": str(row["text"]), "label": str(row["label"])}
            for key in ("lang", "source"):
                if key in row:
                    item[key] = str(row[key])
            rows.append(item)
    return rows


# ---- features: shared by training and scoring, so the two can never disagree ---------------
_WORD = re.compile(r"\w+")
_LEET = str.maketrans("0134578@$", "oieastbas")
_PRICE = re.compile(r"(?:[$€£₽₴]\s?\d|\d\s?(?:[$€£₽₴]|eur|euro|usd|usdt|btc|руб|грн)\b)")
_HANDLE = re.compile(r"(?:^|\s)@\w{3,}")
_LINK = re.compile(r"(?:https?://|t\.me/|www\.|\.onion\b)")
_DIGITS = re.compile(r"\d[\d .()-]{7,}\d")


def word_features(text: str) -> list[str]:
    """Words, word pairs, de-obfuscated leetspeak (`c0ke` -> `coke`), emoji, and markers for
    prices, @handles, links and long numbers: what a channel's text offers and how to reach it."""
    lowered = text.lower()
    tokens = _WORD.findall(lowered)
    out = list(tokens)
    for token in tokens:
        if not token.isalpha() and not token.isdigit():
            out.append(token.translate(_LEET))
    out += [f"{a} {b}" for a, b in pairwise(tokens)]
    out += [ch for ch in lowered if unicodedata.category(ch) == "So"]
    for marker, pattern in (
        ("<price>", _PRICE),
        ("<handle>", _HANDLE),
        ("<link>", _LINK),
        ("<digits>", _DIGITS),
    ):
        if pattern.search(lowered):
            out.append(marker)
    return out


def char_features(text: str) -> list[str]:
    """Character 2-5-grams inside word boundaries: language-agnostic and robust to spelling."""
    out: list[str] = []
    for word in text.lower().split():
        padded = f" {word} "
        size = len(padded)
        out += [padded[i : i + n] for n in (2, 3, 4, 5) for i in range(size - n + 1)]
    return out


class CharGrams:
    """Every occurrence of a vocabulary's character n-grams in a text, in one pass in C.

    `char_features` pads each word with a space and cuts it into 2-5-grams; as a word is never
    empty, no gram holds two spaces side by side. The padded words joined (`" w1  w2 "`) hold
    every gram of every word where `char_features` cuts it, and a stretch across two words holds
    the two pad spaces between them side by side, so it is never a gram: each occurrence of a
    vocabulary entry in the joined text is exactly one gram of `char_features(text)` that the
    vocabulary knows
    (tests/moderation/test_triage_features.py compares the two over the corpus and odd texts).
    The automaton stores each gram's index plus `offset`, its column among all the model's parts.
    """

    def __init__(self, vocabulary: dict[str, int], offset: int = 0) -> None:
        self._automaton = ahocorasick.Automaton(ahocorasick.STORE_INTS)
        for gram, index in vocabulary.items():
            self._automaton.add_word(gram, index + offset)
        if vocabulary:
            self._automaton.make_automaton()
        self._empty = not vocabulary

    def ids(self, text: str) -> np.ndarray:
        """The index of each known gram occurrence (a gram twice: its index twice)."""
        if self._empty:
            return np.empty(0, dtype=np.intp)
        joined = "".join([f" {word} " for word in text.lower().split()])
        return np.fromiter(map(_SECOND, self._automaton.iter(joined)), dtype=np.intp)


_SECOND = operator.itemgetter(1)


class LookedUp:
    """The features an analyzer makes from a text that a vocabulary knows, one index (plus
    `offset`) per occurrence: the look-ups run in C (map over the dict's get, -1 if unknown)."""

    def __init__(
        self, analyzer: Callable[[str], list[str]], vocabulary: dict[str, int], offset: int = 0
    ) -> None:
        self._analyzer = analyzer
        self._get = vocabulary.get
        self._offset = offset

    def ids(self, text: str) -> np.ndarray:
        ids = np.fromiter(map(self._get, self._analyzer(text), repeat(-1)), dtype=np.intp)
        return ids[ids >= 0] + self._offset


ANALYZERS = {"words": word_features, "chars": char_features}


@dataclass
class LinearTriage:
    """The fitted model as plain arrays: per feature part (name, vocabulary, idf, offset), the
    coefficients (features x classes), intercepts, and one calibration sigmoid per class."""

    version: str
    classes: list[str]
    parts: list[tuple[str, dict[str, int], np.ndarray, int]]
    coef: np.ndarray
    intercept: np.ndarray
    sigmoid_a: np.ndarray
    sigmoid_b: np.ndarray
    abstain_below: float
    card: dict[str, Any] = field(default_factory=dict)  # what it was trained on, its figures

    def __post_init__(self) -> None:
        # derived once per loaded model (the automaton in about 30 ms for 70,000 grams), never
        # pickled: each part's finder of known features, as columns of `coef`; the IDF weights
        # of all parts by column; where each part's columns begin, but the first
        self._finders = [
            CharGrams(vocabulary, offset).ids
            if name == "chars"
            else LookedUp(ANALYZERS[name], vocabulary, offset).ids
            for name, vocabulary, _, offset in self.parts
        ]
        self._idf = np.zeros(self.coef.shape[0], dtype=np.float64)
        for _, _, idf, offset in self.parts:
            self._idf[offset : offset + len(idf)] = idf
        self._part_starts = np.array(sorted(offset for *_, offset in self.parts)[1:], np.intp)

    def _decision(self, text: str) -> np.ndarray:
        """The linear model's decision values: sublinear TF times IDF, l2-normalised per part,
        times the coefficients, plus the intercepts (as scikit-learn's TfidfVectorizer,
        FeatureUnion and LinearSVC compute them, in a handful of NumPy calls)."""
        found = [find(text) for find in self._finders]
        columns, tf = np.unique(np.concatenate(found), return_counts=True)
        if not columns.size:
            return self.intercept.copy()
        # take() gathers a few hundred entries several times faster than fancy indexing
        weights = (1.0 + np.log(tf)) * self._idf.take(columns)
        # a part's columns are one run of the sorted columns
        bounds = np.searchsorted(columns, self._part_starts).tolist()
        for start, end in pairwise([0, *bounds, columns.size]):
            if end > start:
                part = weights[start:end]
                part /= math.sqrt(float(part @ part))  # l2 normalisation per part
        decision: np.ndarray = self.intercept + weights @ self.coef.take(columns, axis=0)
        return decision

    def __getstate__(self) -> dict[str, Any]:
        # One string per vocabulary instead of a dict of a hundred thousand keys: joblib's
        # unpickler (pure Python) reads one large string fast and a large dict slowly.
        state = dict(self.__dict__)
        for derived in ("_finders", "_idf", "_part_starts"):
            state.pop(derived)  # derived again from the parts on loading
        state["parts"] = [
            (name, "\n".join(sorted(vocabulary, key=vocabulary.__getitem__)), idf, offset)
            for name, vocabulary, idf, offset in self.parts
        ]
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        state["parts"] = [
            (name, {g: i for i, g in enumerate(grams.split("\n"))} if grams else {}, idf, offset)
            for name, grams, idf, offset in state["parts"]
        ]
        self.__dict__.update(state)
        self.__post_init__()

    def probabilities(self, text: str) -> np.ndarray:
        # scikit-learn's sigmoid calibration, one-vs-rest, then normalised over the classes
        calibrated: np.ndarray = 1.0 / (
            1.0 + np.exp(self.sigmoid_a * self._decision(text) + self.sigmoid_b)
        )
        total = float(calibrated.sum())
        if total <= 0.0:
            return np.full(len(self.classes), 1.0 / len(self.classes))
        return calibrated / total

    def score(self, text: str) -> Suggestion:
        probabilities = self.probabilities(text)
        best = int(probabilities.argmax())
        label = self.classes[best]
        top = float(probabilities[best])
        return Suggestion(
            label if top >= self.abstain_below else UNCERTAIN,
            top,
            self.version,
            dict(zip(self.classes, probabilities.tolist(), strict=True)),
            label,
        )


@dataclass(frozen=True)
class LabelScores:
    label: str
    precision: float
    recall: float
    f1: float
    support: int


@dataclass(frozen=True)
class Evaluation:
    labels: list[LabelScores]
    macro_f1: float
    abstained: int  # texts whose suggestion was `uncertain`
    abstained_wrong: int  # of those, how many the top label would have got wrong
    total: int


def _scores(truth: list[str], predicted: list[str]) -> tuple[list[LabelScores], float]:
    scores = []
    for label in sorted(set(truth)):
        tp = sum(p == label and t == label for p, t in zip(predicted, truth, strict=True))
        fp = sum(p == label and t != label for p, t in zip(predicted, truth, strict=True))
        fn = sum(p != label and t == label for p, t in zip(predicted, truth, strict=True))
        precision = tp / (tp + fp) if tp + fp else 0.0
        recall = tp / (tp + fn) if tp + fn else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        scores.append(LabelScores(label, precision, recall, f1, tp + fn))
    macro = sum(s.f1 for s in scores) / len(scores) if scores else 0.0
    return scores, macro


def evaluate_suggestions(rows: list[dict[str, str]], suggestions: list[Suggestion]) -> Evaluation:
    """Per-label precision, recall and F1 of the most likely label, the macro-F1 over the
    labels present in `rows`, and how often the abstain band held back a suggestion."""
    truth = [r["label"] for r in rows]
    predicted = [s.top for s in suggestions]
    scores, macro = _scores(truth, predicted)
    held = [(s, t) for s, t in zip(suggestions, truth, strict=True) if s.category == UNCERTAIN]
    return Evaluation(scores, macro, len(held), sum(s.top != t for s, t in held), len(rows))


def evaluate(model: TriageModel, rows: list[dict[str, str]]) -> Evaluation:
    return evaluate_suggestions(rows, [model.score(r["text"]) for r in rows])


def evaluate_by_language(model: TriageModel, rows: list[dict[str, str]]) -> dict[str, Evaluation]:
    """One evaluation per `lang` of the rows (`?` where a row names none)."""
    suggestions = [model.score(r["text"]) for r in rows]
    groups: dict[str, list[int]] = {}
    for index, row in enumerate(rows):
        groups.setdefault(row.get("lang", "?"), []).append(index)
    return {
        lang: evaluate_suggestions([rows[i] for i in idx], [suggestions[i] for i in idx])
        for lang, idx in sorted(groups.items())
    }


def predict_labels(model: TriageModel, texts: Iterable[str]) -> list[str]:
    return [model.score(t).top for t in texts]
