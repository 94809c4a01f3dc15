"""The scorer's character n-grams (`CharGrams`, one Aho-Corasick pass over the padded words
joined) are exactly `char_features`, the analyzer scikit-learn trains on, restricted to the
vocabulary: the same grams, each as often."""

from __future__ import annotations

from collections import Counter

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from lawline.moderation.triage import CharGrams, char_features, word_features
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


def test_the_scorer_equals_the_plain_definition_of_its_features() -> None:
    """The decision values from the fast path equal those computed from `char_features` and
    `word_features` with Counters and dictionary look-ups, feature by feature."""
    model = default_model()
    for text in [r["text"] for r in shipped_rows("heldout")[:300]] + ODD:
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
        np.testing.assert_allclose(model._decision(text), expected, rtol=1e-12, atol=1e-12)
