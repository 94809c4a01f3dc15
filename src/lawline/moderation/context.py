"""What the moderation services need besides a session: passed in by the front end's runtime,
so the API, the bot, the CLI and the demo make the same call."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from lawline.core.clock import Clock
from lawline.core.settings import Settings
from lawline.moderation.triage import TriageModel
from lawline.platform.protocol import Platform


@dataclass(frozen=True)
class ModerationContext:
    platform: Platform
    clock: Clock
    settings: Settings
    # loaded on first use: a decision or a status query never waits for a model
    load_triage: Callable[[], TriageModel | None]

    def triage(self) -> TriageModel | None:
        return self.load_triage()
