"""What every `lawline` command module shares: opening the runtime, reading argument files."""

from __future__ import annotations

from pathlib import Path

from pydantic import ValidationError

from lawline.core.errors import ConfigurationError, InvalidInput
from lawline.core.settings import Settings
from lawline.runtime import Runtime


def open_runtime(*, database: bool = True) -> Runtime:
    """The runtime from LAWLINE_* settings; refuses a database not migrated to the head."""
    try:
        settings = Settings()
    except ValidationError as exc:
        # Name the variables, not their values (a URL may carry a password).
        names = ", ".join(sorted({f"LAWLINE_{e['loc'][0]}".upper() for e in exc.errors()}))
        raise ConfigurationError(f"invalid setting: {names}", code="settings_invalid") from None
    runtime = Runtime(settings)
    if database:
        runtime.require_current_schema()
    return runtime


def read_text_file(path: Path) -> str:
    try:
        return path.read_text()
    except OSError as exc:
        raise InvalidInput(f"cannot read {path}: {exc.strerror}", code="file_unreadable") from None
