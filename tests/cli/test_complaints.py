"""`lawline moderation complaints` and `decide-complaint`, run as real processes against a real
SQLite database: the same login and role checks as the API, the same service, audited."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from lawline.audit.models import AuditEntry
from lawline.core.clock import SystemClock
from lawline.core.db import transaction
from lawline.core.settings import Settings
from lawline.moderation.complaints import file_complaint
from lawline.moderation.models import Case, Complaint
from lawline.runtime import Runtime
from tests import factories
from tests.test_cli import _totp_code, staff_cli

GROUNDS = "The channel sells drugs [bold]openly[/bold]; look again."


def _decided_case_with_a_complaint(data: Path, platform_file: Path) -> tuple[str, int]:
    data.mkdir(parents=True, exist_ok=True)
    (data / "platform.sqlite").write_bytes(platform_file.read_bytes())
    runtime = Runtime(Settings(data_dir=data, database_url=None), clock=SystemClock())
    try:
        at = datetime.now(UTC)
        with transaction(runtime.sessions) as session:
            case = factories.case_row(session, first_report_at=at, status="decided")
            report = factories.report_row(session, case, at=at, category="drugs")
            factories.decision_row(session, case, at=at, action="no_action", moderator="staff:mo")
            complaint = file_complaint(
                session,
                report.id,
                receipt=None,
                proven_reporter_id=report.reporter_id,
                grounds=GROUNDS,
                clock=runtime.clock,
            )
            return complaint.id, case.id
    finally:
        runtime.close()


def test_moderators_list_and_answer_complaints_from_the_cli(
    tmp_path: Path, platform_file: Path
) -> None:
    home, data = tmp_path / "config", tmp_path / "data"
    password = tmp_path / "password"
    password.write_text("a long enough password\n")

    def run(*args: str) -> tuple[int, str, str]:
        done = staff_cli(*args, home=home, data_dir=data)
        return done.returncode, done.stdout, done.stderr

    assert run("db", "upgrade")[0] == 0
    complaint_id, case_id = _decided_case_with_a_complaint(data, platform_file)
    # no session: refused on one line, like every staff command
    code, _, err = run("moderation", "complaints")
    assert (code, err.strip()) == (2, "error: log in first: `lawline login USERNAME`")

    code, out, err = run("staff", "add", "ada", "--role", "admin", "--password-file", str(password))
    assert code == 0, err
    assert run("login", "ada", "--password-file", str(password), "--totp", _totp_code(out))[0] == 0
    added = {}
    for name in ("mo", "max"):
        code, out, err = run(
            "staff", "add", name, "--role", "moderator", "--password-file", str(password)
        )
        assert code == 0, err
        added[name] = out
    # the admin may not read the moderation queue: the role matrix says who may
    code, _, err = run("moderation", "complaints")
    assert code == 2
    assert "may not see the moderation queue" in err

    login = ("--password-file", str(password), "--totp", _totp_code(added["mo"]))
    assert run("login", "mo", *login)[0] == 0
    code, out, err = run("moderation", "complaints")
    assert code == 0, err
    assert complaint_id in out
    assert "[bold]openly[/bold]" in out  # the notifier's text is shown, never read as markup
    assert out.strip().endswith("1 complaints waiting")
    # the moderator whose decision it is does not answer the complaint
    code, _, err = run(
        "moderation", "decide-complaint", complaint_id, "--upheld", "--answer", "It was wrong, yes."
    )
    assert (code, err.strip()) == (2, "error: a different moderator decides the complaint")

    login = ("--password-file", str(password), "--totp", _totp_code(added["max"], 30))
    assert run("login", "max", *login)[0] == 0
    code, _, err = run(
        "moderation",
        "decide-complaint",
        complaint_id,
        "--upheld",
        "--answer",
        "call +31 6 12345678",
    )
    assert code == 2
    assert "12345678" not in err
    code, out, err = run(
        "moderation", "decide-complaint", complaint_id, "--upheld",
        "--answer", "The posts do offer drugs; decided again.",
    )  # fmt: skip
    assert code == 0, err
    assert out.strip() == f"complaint {complaint_id}: upheld"
    code, out, _ = run("moderation", "complaints")
    assert complaint_id not in out
    assert out.strip().endswith("0 complaints waiting")

    runtime = Runtime(Settings(data_dir=data, database_url=None), clock=SystemClock())
    try:
        with runtime.sessions() as session:
            complaint = session.get(Complaint, complaint_id)
            case = session.get(Case, case_id)
            assert complaint is not None
            assert case is not None
            assert (complaint.status, complaint.decided_by) == ("upheld", "staff:max")
            assert case.status == "open"  # back in the queue
            decided = [
                (e.actor, e.body)
                for e in session.query(AuditEntry).order_by(AuditEntry.seq)
                if e.entry_type == "complaint.decided"
            ]
            assert decided == [
                ("staff:max", {"complaint": complaint_id, "outcome": "upheld", "reopened": True})
            ]
    finally:
        runtime.close()
