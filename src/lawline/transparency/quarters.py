"""Calendar quarters in UTC: `2024-Q4` is [2024-10-01T00:00Z, 2025-01-01T00:00Z)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime

from lawline.core.errors import InvalidInput

_PATTERN = re.compile(r"^(\d{4})-Q([1-4])$")


@dataclass(frozen=True, order=True)
class Quarter:
    year: int
    number: int

    @classmethod
    def parse(cls, text: str) -> Quarter:
        match = _PATTERN.match(text.strip())
        if match is None or not 2000 <= int(match.group(1)) <= 2100:
            raise InvalidInput(
                "a quarter is written like 2024-Q4 (year 2000 to 2100)", code="quarter_invalid"
            )
        return cls(int(match.group(1)), int(match.group(2)))

    @classmethod
    def of(cls, moment: datetime) -> Quarter:
        moment = moment.astimezone(UTC)
        return cls(moment.year, (moment.month - 1) // 3 + 1)

    @property
    def start(self) -> datetime:
        return datetime(self.year, 3 * self.number - 2, 1, tzinfo=UTC)

    @property
    def end(self) -> datetime:
        return self.next().start

    def next(self) -> Quarter:
        return (
            Quarter(self.year + 1, 1) if self.number == 4 else Quarter(self.year, self.number + 1)
        )

    def previous(self) -> Quarter:
        return (
            Quarter(self.year - 1, 4) if self.number == 1 else Quarter(self.year, self.number - 1)
        )

    def __str__(self) -> str:
        return f"{self.year}-Q{self.number}"
