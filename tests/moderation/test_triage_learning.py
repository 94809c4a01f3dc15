"""Learning from decisions behind a gate: a candidate trained on corrupted decisions is refused,
one trained on sound decisions is promoted, and every decision keeps the version it was shown.
Small data on purpose: the point is the gate, not the figure."""

from __future__ import annotations

from pathlib import Path

import pyotp
import pytest
from sqlalchemy import select
from typer.testing import CliRunner

from lawline.cli.main import app
from lawline.core.errors import Conflict, Unauthorized
from lawline.moderation import decisions
from lawline.moderation.models import Case, Decision
from lawline.moderation.reports import submit_report, target_text
from lawline.moderation.triage import TriageModel
from lawline.moderation.triage_learning import agreement_by_model, decision_rows, retrain
from lawline.moderation.triage_store import ModelStore, shipped_rows
from lawline.moderation.triage_train import train
from tests.moderation.conftest import World

LABEL_OF_THEME = {
    "drugs": "drugs",
    "weapons": "weapons",
    "scam": "scam",
    "doxxing": "doxxing",
    "extremism": "terrorism",
}
PER_LABEL = 25
# corrupted decisions: every label moved to another one, harmless channels delisted as spam
WRONG = {
    "drugs": "weapons",
    "weapons": "scam",
    "scam": "doxxing",
    "doxxing": "terrorism",
    "terrorism": "drugs",
    "none": "spam",
}


def _label(theme: str) -> str:
    return LABEL_OF_THEME.get(theme, "none")


def _split(world: World) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """(channel id, label) pairs: every other channel of each theme to decide, the rest frozen."""
    to_decide, frozen = [], []
    for theme, ids in sorted(world.platform.channels_by_theme().items()):
        for index, channel_id in enumerate(ids):
            (to_decide if index % 2 == 0 else frozen).append((channel_id, _label(theme)))
    return to_decide, frozen


def _frozen_rows(world: World, frozen: list[tuple[str, str]]) -> list[dict[str, str]]:
    rows = []
    for channel_id, label in frozen:
        channel = world.platform.channel(channel_id)
        assert channel is not None
        case = Case(channel_id=channel_id, post_id=None)
        rows.append({"text": target_text(world.platform, case), "label": label})
    return rows


def _decide_all(
    world: World, triage: TriageModel, channels: list[tuple[str, str]], labels: dict[str, str]
) -> None:
    for number, (channel_id, truth) in enumerate(channels):
        channel = world.platform.channel(channel_id)
        assert channel is not None
        submitted = submit_report(
            world.session,
            world.ctx_with(triage),
            target=f"t.me/{channel.name}",
            category="other",
            text="",
            reporter_id=f"user-{number:04d}",
            idempotency_key=None,
            via="api",
        )
        label = labels.get(truth, truth)
        decisions.decide(
            world.session,
            world.ctx,
            submitted.case.id,
            staff=world.mo,
            action="no_action" if label == "none" else "delist",
            category="other" if label == "none" else label,
            facts="reviewed the public channel and its posts",
        )


@pytest.fixture
def store(tmp_path: Path) -> ModelStore:
    """A store whose current model was trained on a little of the corpus."""
    per_label: dict[str, int] = {}
    base = []
    for row in shipped_rows():
        if per_label.get(row["label"], 0) < PER_LABEL:
            per_label[row["label"]] = per_label.get(row["label"], 0) + 1
            base.append(row)
    store = ModelStore(tmp_path / "data")
    store.save(train(base))
    store.base = base  # type: ignore[attr-defined]
    return store


def test_a_candidate_from_corrupted_decisions_is_refused(world: World, store: ModelStore) -> None:
    to_decide, frozen = _split(world)
    current = store.current()
    _decide_all(world, current, to_decide, WRONG)
    rows = decision_rows(world.session, world.platform)
    assert len(rows) == len(to_decide)
    outcome = retrain(store, rows, base_rows=store.base, eval_rows=_frozen_rows(world, frozen))  # type: ignore[attr-defined]
    assert not outcome.promoted
    assert outcome.candidate_f1 < outcome.current_f1
    assert store.current_version() == current.version
    assert store.card(outcome.candidate)["gate"]["promoted"] is False


def test_a_better_candidate_is_promoted_and_decisions_keep_the_version_they_saw(
    world: World, store: ModelStore
) -> None:
    to_decide, frozen = _split(world)
    old = store.current()
    _decide_all(world, old, to_decide, {})
    outcome = retrain(
        store,
        decision_rows(world.session, world.platform),
        base_rows=store.base,
        eval_rows=_frozen_rows(world, frozen),
    )  # type: ignore[attr-defined]
    assert outcome.promoted
    assert outcome.candidate_f1 > outcome.current_f1
    assert store.current_version() == outcome.candidate != old.version

    shown = set(world.session.execute(select(Decision.suggestion_model)).scalars())
    assert shown == {old.version}  # the earlier decisions still name the model they saw
    _decide_all(world, store.current(), frozen[:2], {})
    per_version = agreement_by_model(world.session)
    assert set(per_version) == {old.version, outcome.candidate}
    assert per_version[outcome.candidate].decisions == 2
    assert per_version[old.version].decisions == len(to_decide)

    assert store.rollback() == old.version
    assert store.current().version == old.version
    with pytest.raises(Conflict) as nothing_left:
        store.rollback()
    assert nothing_left.value.code == "no_earlier_model"


def _admin_logged_in(runner: CliRunner, tmp_path: Path) -> None:
    """Bootstrap the first admin of a fresh database and log in as them."""
    password = tmp_path / "password"
    password.write_text("a long enough password\n")
    added = runner.invoke(
        app, ["staff", "add", "ada", "--role", "admin", "--password-file", str(password)]
    )
    assert added.exit_code == 0, added.output
    uri = next(word for word in added.output.split() if word.startswith("otpauth://"))
    code = pyotp.parse_uri(uri).now()
    login = runner.invoke(app, ["login", "ada", "--password-file", str(password), "--totp", code])
    assert login.exit_code == 0, login.output


def test_models_promote_and_rollback_on_the_command_line(
    store: ModelStore, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("LAWLINE_DATA_DIR", str(store.root.parent))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    monkeypatch.delenv("LAWLINE_DATABASE_URL", raising=False)
    runner = CliRunner()
    first = store.current_version()
    second = train(store.base[:-3])  # type: ignore[attr-defined]
    store.save(second)
    assert runner.invoke(app, ["db", "upgrade"]).exit_code == 0
    # changing the model every moderator's queue runs on needs a logged-in admin
    refused = runner.invoke(app, ["triage", "promote", second.version])
    assert isinstance(refused.exception, Unauthorized)  # the entry point prints it, exit 2
    assert refused.exception.code == "login_required"
    assert store.current_version() == first
    _admin_logged_in(runner, tmp_path)

    promoted = runner.invoke(app, ["triage", "promote", second.version])
    assert promoted.exit_code == 0, promoted.output
    assert store.current_version() == second.version
    listed = runner.invoke(app, ["triage", "models"], env={"COLUMNS": "250"})
    assert listed.exit_code == 0, listed.output
    assert first in listed.output
    assert second.version in listed.output
    back = runner.invoke(app, ["triage", "rollback"])
    assert back.exit_code == 0
    assert first in back.output
    missing = runner.invoke(app, ["triage", "promote", "svm-0000000000"])
    assert missing.exit_code != 0
    assert store.current_version() == first
    log = runner.invoke(app, ["audit", "log"], env={"COLUMNS": "250"})
    assert log.exit_code == 0, log.output
    assert log.output.count("triage.model.promoted") == 1  # the refused promotion left none
    assert "triage.model.rolled_back" in log.output
    assert "staff:ada" in log.output
