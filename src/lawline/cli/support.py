"""What every `lawline` command module shares: opening the runtime, reading argument files, and
the staff member of this OS user's `lawline login` session."""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path
from typing import TypeVar

from pydantic import BaseModel, ValidationError
from sqlalchemy.orm import Session

from lawline.core.errors import ConfigurationError, InvalidInput, Unauthorized
from lawline.core.settings import Settings
from lawline.runtime import Runtime
from lawline.staff.service import Action, Staff, require, staff_for_token

M = TypeVar("M", bound=BaseModel)


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


def validated(model: type[M], **fields: object) -> M:
    """`fields` checked by the API's own input model: odd input (control characters, lengths,
    unknown values) is refused on one line naming the option and the problem, never the value."""
    try:
        return model.model_validate(fields)
    except ValidationError as exc:
        first = exc.errors()[0]
        option = "--" + str(first["loc"][0]).replace("_", "-") if first["loc"] else "input"
        raise InvalidInput(f"{option}: {first['type']}", code="invalid_input") from None


def read_text_file(path: Path) -> str:
    try:
        return path.read_text()
    except OSError as exc:
        raise InvalidInput(f"cannot read {path}: {exc.strerror}", code="file_unreadable") from None


# ---- the `lawline login` session ----------------------------------------------------------
def _database_key(settings: Settings) -> str:
    # one file holds the sessions of every database this OS user works on, keyed without
    # writing the URL (it may carry a password) into the file
    return hashlib.sha256(settings.resolved_database_url.encode()).hexdigest()[:24]


def _read_sessions(path: Path) -> dict[str, dict[str, str]]:
    try:
        info = path.stat()
    except FileNotFoundError:
        return {}
    if info.st_uid != os.getuid() or info.st_mode & 0o077:
        raise Unauthorized(
            f"{path} is not private to you (mode 0600 expected); delete it and log in again",
            code="session_file_unsafe",
        )
    try:
        data = json.loads(path.read_text())
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def _write_sessions(path: Path, sessions: dict[str, dict[str, str]]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    temporary = path.with_name(f".{path.name}.{os.getpid()}")
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as handle:
        json.dump(sessions, handle)
    os.replace(temporary, path)


def store_session_token(settings: Settings, token: str, username: str) -> Path:
    path = settings.resolved_session_file
    sessions = _read_sessions(path)
    sessions[_database_key(settings)] = {"token": token, "username": username}
    _write_sessions(path, sessions)
    return path


def take_session_token(settings: Settings) -> str | None:
    """Remove and return this database's session token (for `lawline logout`)."""
    path = settings.resolved_session_file
    sessions = _read_sessions(path)
    entry = sessions.pop(_database_key(settings), None)
    if entry is not None:
        _write_sessions(path, sessions)
    return entry["token"] if entry else None


def logged_in(session: Session, runtime: Runtime, action: Action) -> Staff:
    """The staff member of this OS user's `lawline login` session, if the role matrix lets them
    do `action`; otherwise a one-line error (exit 2)."""
    entry = _read_sessions(runtime.settings.resolved_session_file).get(
        _database_key(runtime.settings)
    )
    if entry is None:
        raise Unauthorized("log in first: `lawline login USERNAME`", code="login_required")
    try:
        staff = staff_for_token(session, entry["token"], runtime.clock)
    except Unauthorized:
        raise Unauthorized(
            "your session has expired or ended: `lawline login USERNAME`", code="login_required"
        ) from None
    require(staff, action)
    return staff
