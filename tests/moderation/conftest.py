"""A moderation world on each database: the generated platform, a clock, staff, settings."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

import pytest
from sqlalchemy.orm import Session, sessionmaker

from lawline.core.clock import FixedClock
from lawline.core.settings import Settings
from lawline.moderation.context import ModerationContext
from lawline.moderation.triage import TriageModel
from lawline.moderation.triage_store import default_model
from lawline.outbox.worker import Worker
from lawline.platform.embedded import EmbeddedPlatform
from lawline.staff.service import Staff
from lawline.worker import build_worker
from tests import factories

START = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)


@dataclass
class World:
    session: Session
    platform: EmbeddedPlatform
    clock: FixedClock
    settings: Settings
    triage: TriageModel
    mo: Staff
    max: Staff
    sessions: sessionmaker[Session]

    @property
    def ctx(self) -> ModerationContext:
        return self.ctx_with(self.triage)

    def ctx_with(self, triage: TriageModel | None) -> ModerationContext:
        return ModerationContext(self.platform, self.clock, self.settings, lambda: triage)

    @property
    def worker(self) -> Worker:
        return build_worker(self.sessions, platform=self.platform, clock=self.clock)

    def apply_effects(self) -> int:
        """What the worker does after commit: apply every intent the test's decisions wrote."""
        self.session.flush()
        return self.worker.drain()

    def channel_named(self, theme: str, index: int = 0) -> str:
        channel = self.platform.channel(self.platform.channels_by_theme()[theme][index])
        assert channel is not None
        return channel.name


@pytest.fixture
def world(
    db: Session, sessions: sessionmaker[Session], embedded_platform: EmbeddedPlatform
) -> World:
    mo = factories.staff_member(db, "mo", "moderator")
    other = factories.staff_member(db, "max", "moderator")
    return World(
        db,
        embedded_platform,
        FixedClock(START),
        Settings(report_rate_limit=10_000, misuse_warn_after=2, misuse_suspend_after=3),
        default_model(),
        mo,
        other,
        sessions,
    )
