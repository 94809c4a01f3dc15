"""`lawline serve` loads the triage model before it listens: the first report neither trains nor
reads the model file; what it loaded is frozen out of the garbage collector's full passes."""

from __future__ import annotations

import gc
import shutil
from pathlib import Path

import joblib
import pytest
import uvicorn
from fastapi import FastAPI
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from lawline.cli.main import app
from lawline.moderation import triage_store, triage_train
from lawline.moderation.models import Case
from lawline.moderation.triage_store import ModelStore, default_model
from lawline.platform.embedded import EmbeddedPlatform


def test_the_first_report_after_serve_starts_does_not_wait_for_the_model(
    platform_file: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    shutil.copy(platform_file, data_dir / "platform.sqlite")
    ModelStore(data_dir).save(default_model())  # as a first `serve` or `triage train` left it
    monkeypatch.setattr(triage_store, "_LOADED", {})
    served: list[FastAPI] = []
    monkeypatch.setattr(uvicorn, "run", lambda application, **_: served.append(application))
    monkeypatch.setenv("LAWLINE_DATA_DIR", str(data_dir))
    monkeypatch.delenv("LAWLINE_DATABASE_URL", raising=False)
    gc.unfreeze()
    try:
        result = CliRunner().invoke(app, ["serve"])
        # what serve loaded before listening is frozen out of the collector's full passes
        frozen = gc.get_freeze_count()
    finally:
        gc.unfreeze()  # the rest of the test session collects as usual
    assert result.exit_code == 0, result.output
    assert frozen > 10_000
    (application,) = served

    def forbidden(*args: object, **kwargs: object) -> None:
        raise AssertionError("the model was trained or read from disk during a request")

    monkeypatch.setattr(triage_train, "fit", forbidden)
    monkeypatch.setattr(joblib, "load", forbidden)
    platform = EmbeddedPlatform(data_dir / "platform.sqlite")
    channel = platform.channel(platform.channels_by_theme()["drugs"][0])
    assert channel is not None
    with TestClient(application) as client:
        response = client.post(
            "/v1/reports",
            json={
                "target": f"https://t.me/{channel.name}",
                "category": "drugs",
                "text": "sells cocaine",
                "reporter_id": "user-7f3a",
            },
        )
        assert response.status_code == 201, response.text
    with application.state.runtime.sessions() as session:
        case = session.get(Case, response.json()["case_id"])
        assert case is not None
        assert case.triage_model == default_model().version
    platform.close()
