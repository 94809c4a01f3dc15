"""The `lawline` command, run as a real process: help, errors, the demo, audit verification,
and that no phone number or IP address of the generated platform reaches its output."""

from __future__ import annotations

import ipaddress
import os
import re
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest


def lawline(*args: str, data_dir: Path | None = None) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("LAWLINE_")}
    env["COLUMNS"] = "200"
    if data_dir is not None:
        env["LAWLINE_DATA_DIR"] = str(data_dir)
    return subprocess.run(
        [sys.executable, "-m", "lawline", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
        check=False,
    )


def test_help_lists_every_command_with_a_line_of_help() -> None:
    result = lawline("--help")
    assert result.returncode == 0
    for command in ("demo", "serve", "worker", "db", "platform", "audit"):
        line = next(line for line in result.stdout.splitlines() if f" {command} " in line)
        assert len(line.split(command, 1)[1].strip(" │")) > 10, line
    sub = lawline("audit", "--help").stdout
    for command in ("verify", "head", "proof", "log"):
        assert f" {command} " in sub


@pytest.mark.parametrize(
    "args",
    [
        ("platform", "generate", "--until", "2024-13-45", "--accounts", "10"),
        ("platform", "account", "@nobody_here"),
        ("audit", "proof", "0"),
        ("platform", "generate", "--accounts", "3"),
    ],
)
def test_errors_are_one_line_and_exit_2(args: tuple[str, ...], tmp_path: Path) -> None:
    result = lawline(*args, data_dir=tmp_path)
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr
    if args[:2] != ("platform", "generate") or "--until" in args:
        assert len(result.stderr.strip().splitlines()) == 1, result.stderr


@pytest.fixture(scope="module")
def demo_run(
    tmp_path_factory: pytest.TempPathFactory,
) -> tuple[Path, subprocess.CompletedProcess[str]]:
    data_dir = tmp_path_factory.mktemp("demo") / "var-demo"
    result = lawline("demo", "--data-dir", str(data_dir), "--accounts", "400")
    assert result.returncode == 0, result.stderr
    return data_dir, result


def test_demo_tells_its_story_and_ends_with_the_data_dir_line(
    demo_run: tuple[Path, subprocess.CompletedProcess[str]],
) -> None:
    data_dir, result = demo_run
    out = result.stdout
    assert "1. Platform: generated 400 accounts" in out
    assert "Audited read" in out
    assert "20 Dutch orders" in out
    assert out.count("in_review") >= 23
    for code in (
        "signature_invalid",
        "signature_replayed",
        "instrument_expired",
        "category_not_allowed",
        "target_not_violator",
    ):
        assert code in out
    assert "verified the platform's signature: valid" in out
    # e-Evidence: an Art. 4(5) emergency validated in time, one whose validation is refused
    # (its data deleted), and the Annex III notice as `lawline-authority notices` prints it
    assert "validated it in time: validated" in out
    assert "validation refused -> withdrawn" in out
    assert "(fetch now answers package_deleted)" in out
    assert "de_facto_impossibility (Reg. 2023/1543 Art. 10(7))" in out
    assert "came through the report bot's webhook" in out
    assert re.search(r"found before the decision: True;\s+after: False", out)
    assert "violations recorded by bans and removals" in out
    # effects wait for the worker, which applies them and tells owners, reporters and users
    words = " ".join(out.split())  # Rich wraps long lines
    assert "still listed on the platform until the worker ran: True" in words
    assert "listed now: False" in words
    assert "was told through the platform: Decision dec_" in words
    told = re.search(r"(\d+) of (\d+) bot reporters were sent the outcome", words)
    assert told, out
    assert told.group(1) == told.group(2) != "0"
    # a notifier's complaint (DSA Art. 20), proven by its receipt, answered by another moderator
    assert re.search(
        r"user-troll01 complained against the no-action decision on case \d+ \(complaint cpl_\w+, "
        r"proven with the report's receipt\); staff:noor, not the moderator who decided, "
        r"answered: rejected",
        words,
    )
    users = re.search(r"the worker told (\d+) users of the disclosure .*? (\d+) wait until", words)
    assert users, out
    assert int(users.group(1)) > 0
    assert int(users.group(2)) > 0
    assert "audit log ok" in out
    assert "verifies against the signed head: True" in out
    assert re.search(r"5\. Transparency: the \d{4}-Q\d report for the Netherlands", out)
    assert re.search(
        r"verified against the ledger \(\d+ entries, signed head of size \d+\): OK", out
    )
    assert out.count("FAILED verification") == 2  # the re-signed lower count, the cut ledger
    assert out.strip().splitlines()[-1] == f"LAWLINE_DATA_DIR={data_dir.resolve()}"
    assert (data_dir / "lawline.sqlite").exists()
    assert (data_dir / "platform_ed25519.pem").stat().st_mode & 0o077 == 0


def _audit_entries(output: str) -> int:
    match = re.search(r"audit log ok: (\d+) entries", output)
    assert match, output
    return int(match.group(1))


def test_demo_runs_again_from_scratch_and_refuses_a_foreign_directory(tmp_path: Path) -> None:
    target = tmp_path / "demo"
    first = lawline("demo", "--data-dir", str(target), "--accounts", "200")
    assert first.returncode == 0, first.stderr
    again = lawline("demo", "--data-dir", str(target), "--accounts", "200")
    assert again.returncode == 0
    # a fresh log each run, not appended to the old one
    assert _audit_entries(again.stdout) == _audit_entries(first.stdout)
    foreign = tmp_path / "important"
    foreign.mkdir()
    (foreign / "keep.txt").write_text("operator data")
    refused = lawline("demo", "--data-dir", str(foreign))
    assert refused.returncode == 2
    assert "not made by the demo" in refused.stderr
    assert (foreign / "keep.txt").read_text() == "operator data"


def test_audit_commands_on_the_demo_data_and_tamper_detection(
    demo_run: tuple[Path, subprocess.CompletedProcess[str]], tmp_path: Path
) -> None:
    source, run = demo_run
    entries = _audit_entries(run.stdout)
    data_dir = tmp_path / "copy"
    data_dir.mkdir()
    for name in ("lawline.sqlite", "platform_ed25519.pem", "platform.sqlite", "platform_age.key"):
        (data_dir / name).write_bytes((source / name).read_bytes())
    ok = lawline("audit", "verify", data_dir=data_dir)
    assert ok.returncode == 0
    assert _audit_entries(ok.stdout) == entries
    assert f'"size": {entries}' in lawline("audit", "head", data_dir=data_dir).stdout
    assert '"path"' in lawline("audit", "proof", "2", data_dir=data_dir).stdout
    connection = sqlite3.connect(data_dir / "lawline.sqlite")
    connection.execute("UPDATE audit_entries SET actor = 'staff:someone-else' WHERE seq = 1")
    connection.commit()
    connection.close()
    broken = lawline("audit", "verify", data_dir=data_dir)
    assert broken.returncode == 1
    assert "first bad entry: seq 1" in broken.stderr


def test_no_phone_number_or_ip_address_reaches_any_output(
    demo_run: tuple[Path, subprocess.CompletedProcess[str]],
) -> None:
    data_dir, result = demo_run
    outputs = [result.stdout, result.stderr]
    for args in (
        ("audit", "log", "--limit", "100"),
        ("platform", "info"),
        ("platform", "account", "100001"),
    ):
        run = lawline(*args, data_dir=data_dir)
        assert run.returncode == 0, run.stderr
        outputs.append(run.stdout + run.stderr)
    connection = sqlite3.connect(data_dir / "platform.sqlite")
    phones = [p for (p,) in connection.execute("SELECT phone FROM accounts")]
    ips = {
        str(ipaddress.ip_address(ip)) for (ip,) in connection.execute("SELECT ip FROM ip_events")
    }
    connection.close()
    text = "\n".join(outputs)
    leaked_phones = [p for p in phones if p in text or p[1:] in text]
    leaked_ips = [ip for ip in ips if ip in text]
    assert leaked_phones == []
    assert leaked_ips == []


# ---- staff log-in on the command line --------------------------------------------------------
def _totp_code(output: str, at_offset: int = 0) -> str:
    import time

    import pyotp

    uri = next(line for line in output.splitlines() if line.startswith("otpauth://"))
    return pyotp.parse_uri(uri).at(int(time.time()) + at_offset)  # type: ignore[no-any-return]


def staff_cli(*args: str, home: Path, data_dir: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("LAWLINE_")}
    env.update(COLUMNS="200", LAWLINE_DATA_DIR=str(data_dir), XDG_CONFIG_HOME=str(home))
    return subprocess.run(
        [sys.executable, "-m", "lawline", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
        check=False,
    )


def test_staff_commands_need_a_login_and_act_as_the_logged_in_member(tmp_path: Path) -> None:
    home, data = tmp_path / "config", tmp_path / "data"
    password = tmp_path / "password"
    password.write_text("a long enough password\n")
    assert staff_cli("db", "upgrade", home=home, data_dir=data).returncode == 0

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return staff_cli(*args, home=home, data_dir=data)

    # without a session every staff command is refused on one line, exit 2
    for args in (
        ("requests", "approve", "req_x"),
        ("moderation", "decide", "1", "--action", "ban", "--category", "spam", "--facts", "x"),
        ("authority", "list"),
    ):
        refused = run(*args)
        assert refused.returncode == 2, refused.stderr
        assert refused.stderr.strip().splitlines() == [
            "error: log in first: `lawline login USERNAME`"
        ]
    # bootstrap: the first admin needs no session, the second staff member does
    first = run("staff", "add", "ada", "--role", "admin", "--password-file", str(password))
    assert first.returncode == 0, first.stderr
    second = run("staff", "add", "bob", "--role", "approver", "--password-file", str(password))
    assert second.returncode == 2
    assert "log in first" in second.stderr

    code = _totp_code(first.stdout)
    login = run("login", "ada", "--password-file", str(password), "--totp", code)
    assert login.returncode == 0, login.stderr
    session_file = home / "lawline" / "sessions.json"
    assert session_file.stat().st_mode & 0o777 == 0o600
    assert (home / "lawline").stat().st_mode & 0o077 == 0
    replay = run("login", "ada", "--password-file", str(password), "--totp", code)
    assert replay.returncode == 2
    assert "wrong username, password or code" in replay.stderr

    added = run("staff", "add", "bob", "--role", "approver", "--password-file", str(password))
    assert added.returncode == 0, added.stderr
    listing = run("staff", "list")
    assert "bob" in listing.stdout
    assert "approver" in listing.stdout
    # the admin may not approve: the matrix says who may
    approve = run("requests", "approve", "req_x")
    assert approve.returncode == 2
    assert "may not approve a legal request" in approve.stderr
    log = run("audit", "log")
    assert "staff:ada" in log.stdout
    assert "system:bootstrap" in log.stdout

    assert run("logout").returncode == 0
    after = run("staff", "list")
    assert after.returncode == 2
    assert "log in first" in after.stderr


def test_a_session_file_others_can_read_is_refused(tmp_path: Path) -> None:
    home, data = tmp_path / "config", tmp_path / "data"
    assert staff_cli("db", "upgrade", home=home, data_dir=data).returncode == 0
    session_file = home / "lawline" / "sessions.json"
    session_file.parent.mkdir(parents=True)
    session_file.write_text("{}")
    session_file.chmod(0o644)
    refused = staff_cli("staff", "list", home=home, data_dir=data)
    assert refused.returncode == 2
    assert "not private to you" in refused.stderr


def test_legal_staff_send_annex_iii_notices_and_record_enforcing_answers(tmp_path: Path) -> None:
    import time

    import pyotp

    from lawline.demo import PASSWORD

    home, data = tmp_path / "config", tmp_path / "data"
    demo = staff_cli("demo", "--data-dir", str(data), "--accounts", "300", home=home, data_dir=data)
    assert demo.returncode == 0, demo.stderr

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return staff_cli(*args, home=home, data_dir=data)

    with sqlite3.connect(data / "lawline.sqlite") as connection:
        (secret,) = connection.execute(
            "SELECT totp_secret FROM staff_members WHERE username = 'lars'"
        ).fetchone()
        (request_id,) = connection.execute(
            "SELECT id FROM legal_requests WHERE status = 'disclosed' ORDER BY id LIMIT 1"
        ).fetchone()
        notices_before = connection.execute("SELECT count(*) FROM legal_issuer_notices").fetchone()[
            0
        ]
    (tmp_path / "password").write_text(PASSWORD)
    code = pyotp.TOTP(secret).at(time.time() + 30)
    login = run("login", "lars", "--password-file", str(tmp_path / "password"), "--totp", code)
    assert login.returncode == 0, login.stderr

    sent = run(
        "requests", "notice", request_id, "--kind", "partial_or_late",
        "--explanation", "two of the named accounts had no records in the period",
    )  # fmt: skip
    assert sent.returncode == 0, sent.stderr
    assert f"{request_id}: notice" in sent.stdout
    # odd input: one line, exit 2, nothing stored, and never the value echoed
    for args, problem in (
        (("--kind", "bogus", "--explanation", "x"), "--kind"),
        (("--kind", "partial_or_late", "--explanation", "call +31 6 12345678"), "phone number"),
        (("--kind", "partial_or_late", "--explanation", "a\x1b[2Jb"), "--explanation"),
        (("--kind", "partial_or_late", "--explanation", "x" * 5000), "--explanation"),
    ):
        refused = run("requests", "notice", request_id, *args)
        assert refused.returncode == 2, refused.stdout
        assert len(refused.stderr.strip().splitlines()) == 1, refused.stderr
        assert problem in refused.stderr
        assert "12345678" not in refused.stderr
    missing = run("requests", "notice", "req_00000000000000000000000000", "--kind",
                  "partial_or_late", "--explanation", "x")  # fmt: skip
    assert missing.returncode == 2
    with sqlite3.connect(data / "lawline.sqlite") as connection:
        notices_after = connection.execute("SELECT count(*) FROM legal_issuer_notices").fetchone()[
            0
        ]
    assert notices_after == notices_before + 1

    # the demo's requests have no enforcing answer pending: the answer is refused by name
    answer = run(
        "requests", "enforcing-answer", request_id, "--refused", "--ground", "ne_bis_in_idem"
    )
    assert answer.returncode == 2
    assert len(answer.stderr.strip().splitlines()) == 1
    assert run("requests", "enforcing-answer", "--help").returncode == 0


@pytest.mark.parametrize("trusted", ["", "127.0.0.1"])
def test_forwarded_client_addresses_count_only_from_trusted_proxies(
    tmp_path: Path, trusted: str, platform_file: Path
) -> None:
    # The log-in throttle keys on the client address: a local process that could name its own
    # address in X-Forwarded-For would get a fresh allowance with every request.
    import socket
    import time

    import httpx2

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "platform.sqlite").write_bytes(platform_file.read_bytes())
    env = {k: v for k, v in os.environ.items() if not k.startswith("LAWLINE_")}
    env.update(
        LAWLINE_DATA_DIR=str(tmp_path / "data"),
        LAWLINE_LOGIN_RATE="2/minute",
        LAWLINE_TRUSTED_PROXIES=trusted,
    )
    log = (tmp_path / "serve.log").open("wb")
    process = subprocess.Popen(
        [sys.executable, "-m", "lawline", "serve", "--port", str(port), "--no-worker"],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while True:
            assert process.poll() is None, (tmp_path / "serve.log").read_text()
            try:
                if httpx2.get(f"{base}/healthz", timeout=2).status_code == 200:
                    break
            except httpx2.HTTPError:
                pass
            assert time.monotonic() < deadline, "lawline serve did not come up"
            time.sleep(0.2)
        body = {"username": "nobody", "password": "wrong password", "totp": "123456"}
        codes = [
            httpx2.post(
                f"{base}/v1/staff/login", json=body, headers={"X-Forwarded-For": f"10.9.0.{n}"}
            ).status_code
            for n in range(1, 4)
        ]
    finally:
        process.terminate()
        process.wait(timeout=15)
        log.close()
    if trusted:  # behind a trusted proxy each forwarded address has its own allowance
        assert 429 not in codes, codes
    else:  # the peer is the client, whatever the header says
        assert codes[2] == 429, codes
