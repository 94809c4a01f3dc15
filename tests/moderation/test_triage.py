"""The triage model: its fast scorer is scikit-learn's calibrated pipeline, it abstains below its
band, it is trained once into the data directory and loaded from there in milliseconds."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from lawline.moderation import triage_store, triage_train
from lawline.moderation.categories import CATEGORIES
from lawline.moderation.triage import DATA, UNCERTAIN, load_corpus
from lawline.moderation.triage_store import ModelStore, default_model, shipped_rows

ROOT = Path(__file__).parents[2]


def _subset(rows: list[dict[str, str]], per_label: int) -> list[dict[str, str]]:
    seen: dict[str, int] = {}
    out = []
    for row in rows:
        if seen.get(row["label"], 0) < per_label:
            seen[row["label"]] = seen.get(row["label"], 0) + 1
            out.append(row)
    return out


def test_the_fast_scorer_gives_scikit_learns_calibrated_probabilities() -> None:
    model, pipeline = triage_train.fit(_subset(shipped_rows(), 60))
    texts = [r["text"] for r in shipped_rows("heldout")[:200]] + ["", "😀 ok", "a" * 5000]
    expected = pipeline.predict_proba(texts)
    ours = np.array([model.probabilities(t) for t in texts])
    assert list(pipeline.classes_) == model.classes
    np.testing.assert_allclose(ours, expected, atol=1e-6)


def test_below_the_abstain_band_the_suggestion_is_uncertain() -> None:
    model = default_model()
    suggestions = [model.score(r["text"]) for r in shipped_rows("heldout")]
    held = [s for s in suggestions if s.score < model.abstain_below]
    shown = [s for s in suggestions if s.score >= model.abstain_below]
    assert all(s.category == UNCERTAIN and s.label in model.classes for s in held)
    assert all(s.category == s.label for s in shown)
    assert shown


@pytest.mark.parametrize(
    ("text", "category"),
    [
        ("Glock 19 and ammo without papers, meet in Lyon", "weapons"),
        ("Свежая партия мефедрона, закладки по городу", "drugs"),
        ("Verdubbel je bitcoin in 24 uur, gegarandeerd", "scam"),
        ("Police seize 40 kg of cocaine in the port, three arrested", "none"),
        ("Jagdschein Kurs: sicherer Umgang mit Gewehren", "none"),
        ("Test your pills at the free drug checking service", "none"),
    ],
)
def test_triage_reads_several_languages_and_leaves_hard_negatives_alone(
    text: str, category: str
) -> None:
    assert default_model().score(text).top == category


@pytest.mark.parametrize(
    "text", ["", "   ", "😀" * 50, "\x00\x01", "a" * 20_000, "日本語のテキスト"]
)
def test_odd_text_does_not_break_triage(text: str) -> None:
    suggestion = default_model().score(text)
    assert suggestion.category in {*CATEGORIES, "none", UNCERTAIN}
    assert 0.0 <= suggestion.score <= 1.0
    assert sum(suggestion.probabilities.values()) == pytest.approx(1.0)


@pytest.fixture(scope="session")
def trained_data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A data directory holding the default model, saved once for the session."""
    data_dir = tmp_path_factory.mktemp("triage-data")
    ModelStore(data_dir).save(default_model())
    return data_dir


def test_the_default_model_is_trained_once_and_then_loaded_without_training(
    trained_data_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    shutil.copytree(trained_data_dir, tmp_path / "data")
    store = ModelStore(tmp_path / "data")
    assert store.current_version() == store.default_version() == default_model().version

    def no_training(*args: object, **kwargs: object) -> None:
        raise AssertionError("trained again")

    monkeypatch.setattr(triage_train, "fit", no_training)
    monkeypatch.setattr(triage_store, "_LOADED", {})
    model = ModelStore(tmp_path / "data").current()  # how fast: `python -m bench.run`
    assert model.version == default_model().version
    text = "fresh c0ke and w33d, delivery in 30 min, dm @plug"
    assert model.score(text) == default_model().score(text)


def test_a_new_corpus_or_new_code_means_a_new_version(monkeypatch: pytest.MonkeyPatch) -> None:
    rows = _subset(shipped_rows(), 5)
    version = triage_train.version_for(rows)
    assert triage_train.version_for(list(rows)) == version
    relabelled = {**rows[-1], "label": "spam" if rows[-1]["label"] == "none" else "none"}
    assert triage_train.version_for([*rows[:-1], relabelled]) != version
    monkeypatch.setattr(triage_train, "code_digest", lambda: "another recipe")
    assert triage_train.version_for(rows) != version


def _cli(
    data_dir: Path, *args: str, pythonpath: Path | None = None
) -> subprocess.CompletedProcess[str]:
    env = {"PATH": "/usr/bin:/bin", "COLUMNS": "200", "LAWLINE_DATA_DIR": str(data_dir)}
    if pythonpath is not None:
        env["PYTHONPATH"] = str(pythonpath)
    return subprocess.run(
        [sys.executable, "-m", "lawline", "triage", *args],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )


def test_triage_score_answers_from_the_stored_model_without_scikit_learn(
    trained_data_dir: Path, tmp_path: Path
) -> None:
    # Scoring reads the stored arrays: a process in which scikit-learn cannot even be imported
    # (a poisoned package first on the path) still scores, so it neither trains nor unpickles a
    # pipeline. How fast it is, `python -m bench.run --only triage_default` measures.
    shutil.copytree(trained_data_dir, tmp_path / "data")
    poison = tmp_path / "poison" / "sklearn"
    poison.mkdir(parents=True)
    (poison / "__init__.py").write_text("raise ImportError('scoring must not need scikit-learn')\n")
    run = _cli(tmp_path / "data", "score", "hello", pythonpath=poison.parent)
    assert run.returncode == 0, run.stderr
    assert f"(model {default_model().version};" in run.stdout
    assert not list((tmp_path / "data" / "triage" / "models").glob(".tmp-*"))
    # the poison works: training in the same environment fails
    fresh = _cli(tmp_path / "empty", "score", "hello", pythonpath=poison.parent)
    assert fresh.returncode != 0


def test_eval_on_the_held_out_split_prints_the_figures_in_the_readme(
    trained_data_dir: Path,
) -> None:
    run = _cli(trained_data_dir, "eval", str(DATA / "heldout.jsonl"))
    assert run.returncode == 0, run.stderr
    last = run.stdout.strip().splitlines()[-1]
    assert re.fullmatch(r"macro-F1: 0\.\d{3}", last)
    readme = (ROOT / "README.md").read_text()
    assert last in readme
    for line in run.stdout.strip().splitlines()[1:-2]:
        assert line in readme


def test_eval_by_language_reports_each_language_and_ends_with_the_overall_figure(
    trained_data_dir: Path,
) -> None:
    languages = sorted({r.get("lang", "?") for r in load_corpus(DATA / "heldout.jsonl")})
    run = _cli(trained_data_dir, "eval", "--by-language", str(DATA / "heldout.jsonl"))
    assert run.returncode == 0, run.stderr
    lines = run.stdout.strip().splitlines()
    assert re.fullmatch(r"macro-F1: 0\.\d{3}", lines[-1])
    summary = {line.split()[0] for line in lines if re.fullmatch(r"\S+ +\d+ +0\.\d{3}", line)}
    assert summary == set(languages)


def test_eval_refuses_unknown_labels(trained_data_dir: Path, tmp_path: Path) -> None:
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"text": "x", "label": "rudeness"}\n')
    run = _cli(trained_data_dir, "eval", str(bad))
    assert run.returncode == 2
    assert run.stderr.startswith("error: unknown labels ['rudeness']")


def test_the_shipped_corpus_is_built_from_its_text_files_and_the_split_holds() -> None:
    # train.jsonl / heldout.jsonl are what scripts/make_triage_corpus.py makes of the text files
    # (run it after editing them), and no evaluation text is also a training text
    sys.path.insert(0, str(ROOT / "scripts"))
    try:
        from make_triage_corpus import read_blocks
    finally:
        sys.path.pop(0)

    def key(row: dict[str, str]) -> tuple[str, str, str, str]:
        return (row["text"], row["label"], row["lang"], row["source"])

    held_out = [r for p in sorted((DATA / "heldout").glob("*.txt")) for r in read_blocks(p)]
    unseen = {r["text"].casefold() for r in held_out}
    train = [r for p in sorted((DATA / "corpus").glob("*.txt")) for r in read_blocks(p)]
    train = [r for r in train if r["text"].casefold() not in unseen]
    assert sorted(map(key, load_corpus(DATA / "heldout.jsonl"))) == sorted(map(key, held_out))
    assert sorted(map(key, load_corpus(DATA / "train.jsonl"))) == sorted(map(key, train))
    shipped_train = {r["text"].casefold() for r in load_corpus(DATA / "train.jsonl")}
    assert not shipped_train & unseen
    assert len(held_out) > 1000
    assert len(train) > 4000
