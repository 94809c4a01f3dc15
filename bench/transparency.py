from __future__ import annotations

from bench.common import Figure


def transparency_aggregate(quick: bool) -> Figure | None:
    return None
