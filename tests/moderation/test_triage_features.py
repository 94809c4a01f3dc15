"""The scorer's features are exactly the analyzers' that scikit-learn trains on, restricted to
the vocabulary, each as often: the character n-grams (`CharGrams`, one Aho-Corasick pass over the
padded words joined) are `char_features`, the looked-up words (`LookedUp`) are `word_features`,
and the decision values equal those computed from the two with Counters and dictionaries."""

from __future__ import annotations

from collections import Counter

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from lawline.moderation.triage import (
    CharGrams,
    LinearTriage,
    LookedUp,
    char_features,
    word_features,
)
from lawline.moderation.triage_store import default_model, shipped_rows

ODD = [
    "",
    " ",
    "\t\n\r\x0b\x0c",
    "a",
    "ab",
    "a  b",  # two spaces inside the text
    "a\u3000b\u00a0c\u2003d",  # ideographic, no-break and em spaces split words too
    "x\u200by",  # a zero-width space is no whitespace: one word
    "İstanbul ΣΑΣ ß ﬁ",  # lowercasing changes the length
    "e\u0301te\u0301",  # combining marks
    "😀😀 🔫💊 ok",
    "a" * 300,
    "ab " * 200,
    "  lead and trail  ",
    "c0ke 4 sale $50 t.me/x @dealer +31 6 1234 5678",
    "\u0130\u0130\u0130 x\u0130 \u1e9e",  # İ lowercases to two code points
    "a\u2028b\u2029c\x1cd\x1de\x1ef\x1fg\x85h",  # separators str.split() splits on
    "\U0001f1f3\U0001f1f1 \U0001f468\u200d\U0001f469\u200d\U0001f467 \u00a9\u00ae\u00b0",
    "السلام عليكم مخدرات \u200f@x",  # right to left, a direction mark
    "x" * 5000 + " " + "\u043a\u043e\u043a\u0430\u0438\u043d " * 50,
]


def _expected(vocabulary: dict[str, int], text: str) -> Counter[int]:
    return Counter(
        {vocabulary[g]: n for g, n in Counter(char_features(text)).items() if g in vocabulary}
    )


def _found(grams: CharGrams, text: str) -> Counter[int]:
    return Counter(grams.ids(text).tolist())


def test_the_models_grams_are_found_as_often_as_char_features_cuts_them() -> None:
    model = default_model()
    (vocabulary,) = [v for name, v, _, _ in model.parts if name == "chars"]
    grams = CharGrams(vocabulary)
    texts = [r["text"] for r in shipped_rows("train")[:1500] + shipped_rows("heldout")] + ODD
    for text in texts:
        assert _found(grams, text) == _expected(vocabulary, text), text


def test_with_every_gram_known_nothing_across_two_words_is_found() -> None:
    # a vocabulary holding every gram of every text: a match across a word boundary, or a gram
    # counted the wrong number of times, would show here
    everything = {g for text in ODD for g in char_features(text)}
    vocabulary = {g: i for i, g in enumerate(sorted(everything))}
    grams = CharGrams(vocabulary)
    for text in ODD:
        assert _found(grams, text) == _expected(vocabulary, text), text


_TEXT = st.text(alphabet=st.sampled_from("ab c\t\u00a0\u3000\nİ😀é\u0301-"), max_size=40)


@settings(max_examples=300, deadline=None)
@given(known=st.lists(_TEXT, max_size=5), text=_TEXT)
def test_any_text_against_any_vocabulary(known: list[str], text: str) -> None:
    everything = {g for t in [*known, text] for g in char_features(t)}
    # half the grams known: misses must stay misses
    vocabulary = {g: i for i, g in enumerate(sorted(everything)) if i % 2 == 0}
    assert _found(CharGrams(vocabulary), text) == _expected(vocabulary, text)


def test_an_empty_vocabulary_finds_nothing() -> None:
    assert CharGrams({}).ids("anything at all").size == 0
    assert LookedUp(word_features, {}).ids("anything at all").size == 0


def _words_expected(vocabulary: dict[str, int], text: str) -> Counter[int]:
    return Counter(
        {vocabulary[f]: n for f, n in Counter(word_features(text)).items() if f in vocabulary}
    )


def test_the_models_words_are_looked_up_as_often_as_word_features_makes_them() -> None:
    model = default_model()
    (vocabulary,) = [v for name, v, _, _ in model.parts if name == "words"]
    words = LookedUp(word_features, vocabulary)
    texts = [r["text"] for r in shipped_rows("train")[:1500] + shipped_rows("heldout")] + ODD
    for text in texts:
        assert Counter(words.ids(text).tolist()) == _words_expected(vocabulary, text), text


def test_an_offset_moves_every_index_and_nothing_else() -> None:
    # the scorer finds each part's features as columns of the joint coefficients
    vocabulary = {g: i for i, g in enumerate(sorted({g for t in ODD for g in char_features(t)}))}
    words = {f: i for i, f in enumerate(sorted({f for t in ODD for f in word_features(t)}))}
    for text in ODD:
        shifted = Counter((CharGrams(vocabulary, 1000).ids(text) - 1000).tolist())
        assert shifted == _expected(vocabulary, text), text
        shifted = Counter((LookedUp(word_features, words, 7).ids(text) - 7).tolist())
        assert shifted == _words_expected(words, text), text


def _plain_decision(model: LinearTriage, text: str) -> np.ndarray:
    """The decision values from `char_features` and `word_features` with Counters and
    dictionary look-ups, part by part, as scikit-learn's TfidfVectorizer defines them."""
    expected = np.array(model.intercept, dtype=np.float64)
    for name, vocabulary, idf, offset in model.parts:
        features = char_features(text) if name == "chars" else word_features(text)
        counts = {vocabulary[g]: n for g, n in Counter(features).items() if g in vocabulary}
        if not counts:
            continue
        ids = np.array(sorted(counts), dtype=np.intp)
        weights = (1.0 + np.log([counts[i] for i in ids])) * idf[ids]
        weights /= np.linalg.norm(weights)
        expected += weights @ model.coef[ids + offset]
    return expected


def test_the_scorer_equals_the_plain_definition_of_its_features() -> None:
    model = default_model()
    for text in [r["text"] for r in shipped_rows("heldout")[:300]] + ODD:
        np.testing.assert_allclose(
            model._decision(text), _plain_decision(model, text), rtol=1e-12, atol=1e-12
        )


_WORDY = st.text(
    alphabet=st.sampled_from("coke sal4$ 0t.m/@+\t\u00a0\u3000İ😀é\u0301ак"), max_size=80
)


@settings(max_examples=200, deadline=None)
@given(text=_WORDY)
def test_any_text_scores_as_the_plain_definition(text: str) -> None:
    model = default_model()
    np.testing.assert_allclose(
        model._decision(text), _plain_decision(model, text), rtol=1e-12, atol=1e-12
    )
