"""The embedded demo platform passes the platform contract."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from lawline.platform.embedded import EmbeddedPlatform
from tests.platform.contract import PlatformContract, reference  # noqa: F401 - fixture


@pytest.fixture
def platform(embedded_platform: EmbeddedPlatform) -> EmbeddedPlatform:
    return embedded_platform


@pytest.fixture
def delivered(embedded_platform: EmbeddedPlatform) -> Callable[[str], list[tuple[str, str]]]:
    return embedded_platform.notices


class TestEmbeddedPlatform(PlatformContract):
    pass


def test_ip_range_lookup_is_an_index_range_scan(embedded_platform: EmbeddedPlatform) -> None:
    plan = (
        embedded_platform._connection()
        .execute(
            "EXPLAIN QUERY PLAN SELECT at, ip, port FROM ip_events"
            " WHERE account_id = ? AND at >= ? AND at < ? ORDER BY at, seq",
            (100_001, 0, 1),
        )
        .fetchall()
    )
    detail = " ".join(row[-1] for row in plan)
    assert "SEARCH ip_events USING PRIMARY KEY (account_id=? AND at>? AND at<?)" in detail
    assert "SCAN" not in detail
