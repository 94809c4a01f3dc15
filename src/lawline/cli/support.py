"""What every `lawline` command module shares: opening the runtime, reading argument files."""

from __future__ import annotations

from pathlib import Path

from lawline.core.errors import InvalidInput
from lawline.core.settings import Settings
from lawline.runtime import Runtime


def open_runtime(*, database: bool = True) -> Runtime:
    """The runtime from LAWLINE_* settings; refuses a database not migrated to the head."""
    runtime = Runtime(Settings())
    if database:
        runtime.require_current_schema()
    return runtime


def read_text_file(path: Path) -> str:
    try:
        return path.read_text()
    except OSError as exc:
        raise InvalidInput(f"cannot read {path}: {exc.strerror}", code="file_unreadable") from None
