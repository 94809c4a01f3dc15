"""Trained triage models kept in the data directory, so no process trains twice.

`<data_dir>/triage/models/<version>.joblib` holds a model as plain arrays (loaded in
milliseconds, without scikit-learn); `<data_dir>/triage/registry.json` lists every version with
its card (what it was trained on, its figures on the frozen evaluation set) and names the current
one, with the earlier current ones for rollback. The default version is a hash of the shipped
corpus and of the code, so a new corpus or a new recipe trains a new model once, by itself.
"""

from __future__ import annotations

import fcntl
import json
import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import lru_cache
from pathlib import Path
from threading import Lock
from typing import Any

import joblib

from lawline.core.errors import Conflict, NotFound
from lawline.moderation.triage import DATA, LinearTriage, TriageModel, load_corpus

_LOADED: dict[tuple[Path, str], LinearTriage] = {}
_LOADING = Lock()


@dataclass(frozen=True)
class ModelEntry:
    version: str
    card: dict[str, Any]
    current: bool


def shipped_rows(split: str = "train") -> list[dict[str, str]]:
    return load_corpus(DATA / f"{split}.jsonl")


class ModelStore:
    def __init__(self, data_dir: Path) -> None:
        self.root = Path(data_dir) / "triage"
        self.models_dir = self.root / "models"
        self.registry_path = self.root / "registry.json"

    # ---- the registry -----------------------------------------------------------------------
    @contextmanager
    def _locked(self) -> Iterator[dict[str, Any]]:
        """Read, change and rewrite the registry under an exclusive lock (other processes too)."""
        self.models_dir.mkdir(parents=True, exist_ok=True)
        with (self.root / ".lock").open("a") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            registry = self._read()
            yield registry
            self._write_atomically(self.registry_path, json.dumps(registry, indent=2).encode())

    def _read(self) -> dict[str, Any]:
        try:
            registry: dict[str, Any] = json.loads(self.registry_path.read_text())
        except FileNotFoundError:
            registry = {}
        registry.setdefault("current", None)
        registry.setdefault("history", [])
        registry.setdefault("models", {})
        return registry

    @staticmethod
    def _write_atomically(path: Path, data: bytes) -> None:
        handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
        with os.fdopen(handle, "wb") as out:
            out.write(data)
        os.replace(temporary, path)

    def current_version(self) -> str | None:
        current: str | None = self._read()["current"]
        return current

    def entries(self) -> list[ModelEntry]:
        registry = self._read()
        return [
            ModelEntry(version, card, version == registry["current"])
            for version, card in sorted(
                registry["models"].items(), key=lambda kv: str(kv[1].get("created_at", ""))
            )
        ]

    def card(self, version: str) -> dict[str, Any]:
        card: dict[str, Any] | None = self._read()["models"].get(version)
        if card is None:
            raise NotFound(f"no triage model {version}", code="model_not_found")
        return card

    # ---- models -----------------------------------------------------------------------------
    def path(self, version: str) -> Path:
        return self.models_dir / f"{version}.joblib"

    def has(self, version: str) -> bool:
        return self.path(version).exists()

    def save(self, model: LinearTriage, *, make_current_if_none: bool = True) -> None:
        """Write the model file and its card; the first model saved becomes the current one."""
        self.models_dir.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=self.models_dir, prefix=".tmp-")
        os.close(handle)
        joblib.dump(model, temporary)
        os.replace(temporary, self.path(model.version))
        with self._locked() as registry:
            card = dict(model.card)
            card.setdefault("created_at", datetime.now(UTC).isoformat(timespec="seconds"))
            registry["models"][model.version] = card
            if registry["current"] is None and make_current_if_none:
                registry["current"] = model.version

    def load(self, version: str) -> LinearTriage:
        key = (self.root.resolve(), version)
        model = _LOADED.get(key)
        if model is None:
            path = self.path(version)
            if not path.exists():
                raise NotFound(f"no triage model file for {version}", code="model_not_found")
            model = joblib.load(path)
            if not isinstance(model, LinearTriage):
                raise Conflict(f"{path} is not a triage model", code="model_unreadable")
            _LOADED[key] = model
        return model

    def promote(self, version: str) -> None:
        if not self.has(version):
            raise NotFound(f"no triage model {version}", code="model_not_found")
        with self._locked() as registry:
            if registry["current"] == version:
                return
            if registry["current"] is not None:
                registry["history"].append(registry["current"])
            registry["current"] = version

    def rollback(self) -> str:
        """Make the previous current model current again; returns its version."""
        with self._locked() as registry:
            if not registry["history"]:
                raise Conflict("no earlier model to roll back to", code="no_earlier_model")
            registry["current"] = registry["history"].pop()
            version: str = registry["current"]
            return version

    # ---- the model in use -------------------------------------------------------------------
    def default_version(self) -> str:
        from lawline.moderation.triage_train import version_for

        return _default_version(version_for)

    def ensure_default(self) -> LinearTriage:
        """The model for the shipped corpus and this code: loaded, or trained and saved once."""
        version = self.default_version()
        with _LOADING:
            if not self.has(version):
                self.save(default_model())  # trained in this process at most once
            return self.load(version)

    def current(self) -> LinearTriage:
        """The promoted model; the default one when none is promoted yet, or when the promoted
        one was trained by other code (its features would not match the scorer's)."""
        from lawline.moderation.triage_train import code_digest

        version = self.current_version()
        if version is not None and self.has(version):
            model = self.load(version)
            if model.card.get("code") == code_digest():
                return model
        model = self.ensure_default()
        if version != model.version:
            self.promote(model.version)
        return model


@lru_cache(maxsize=1)
def _default_version(version_for: Any) -> str:
    # hashing the corpus once per process is enough: the shipped files do not change under it
    result: str = version_for(shipped_rows())
    return result


@lru_cache(maxsize=1)
def default_model() -> LinearTriage:
    """The default model trained in this process: what `ModelStore` saves when its data
    directory has none yet, and what tests and benchmarks use directly."""
    from lawline.moderation.triage_learning import train_with_card

    return train_with_card(shipped_rows(), source="shipped corpus")


def warm_up(name: str, data_dir: Path) -> None:
    """Load (or train once) the configured model before serving, so no report waits for it."""
    configured_model(name, data_dir)


def configured_model(name: str, data_dir: Path | None = None) -> TriageModel:
    """`tfidf` (default; persisted in `data_dir`) or `embedding` (needs lawline[ml])."""
    if name == "embedding":
        from lawline.moderation.triage_embedding import embedding_model

        return embedding_model()
    if data_dir is None:
        return default_model()
    return ModelStore(data_dir).current()
