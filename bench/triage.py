from __future__ import annotations

from bench.common import Figure


def triage_default(quick: bool) -> Figure | None:
    return None


def triage_embedding(quick: bool) -> Figure | None:
    return None
