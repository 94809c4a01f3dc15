"""The demo's last chapter: the quarter's report for the Netherlands, checked against the public
disclosure ledger as any outsider would, and the same check failing on tampered copies."""

from __future__ import annotations

import base64
import copy
import json
from typing import Any

from rich.table import Table

from lawline.demo import DemoContext
from lawline.transparency import service
from lawline.transparency.quarters import Quarter
from lawline.transparency.report import canonical_bytes
from lawline.transparency.verify import read_ledger, verify_report


def chapter_transparency(ctx: DemoContext) -> None:
    runtime, console = ctx.runtime, ctx.console
    key = runtime.signing_key
    quarter = str(Quarter.of(runtime.clock.now()))
    with runtime.read_sessions() as session:
        report = service.report(session, quarter, "NL", key=key, now=runtime.clock.now())
        ledger_text = "".join(service.ledger_lines(session))
    folder = runtime.settings.data_dir / "transparency"
    folder.mkdir(exist_ok=True)
    report_file, ledger_file = folder / f"{quarter}-NL.json", folder / "ledger.jsonl"
    report_file.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n")
    ledger_file.write_text(ledger_text)

    legal = report["figures"]["legal_requests"]
    console.print(
        f"[bold]5. Transparency[/]: the {quarter} report for the Netherlands"
        f"{'' if report['final'] else ' (provisional: the quarter is still running)'}"
    )
    table = Table(show_header=True, header_style="bold")
    table.add_column("requests from NL authorities")
    table.add_column("count", justify="right")
    received, fulfilled = legal["received"], legal["fulfilled"]
    rows: list[tuple[str, Any]] = [
        ("received", received["total"]),
        *((f"  {kind}", n) for kind, n in sorted(received["by_type"].items())),
        ("fulfilled (fully / partly)", f"{fulfilled['fully']} / {fulfilled['partly']}"),
        ("accounts affected", fulfilled["accounts_affected"]),
        ("rejected", legal["rejected"]["total"]),
        *((f"  {code}", n) for code, n in sorted(legal["rejected"]["by_reason"].items())),
        ("preservation holds placed", legal["preservations"]["holds_placed"]),
    ]
    for label, value in rows:
        table.add_row(label, str(value))
    console.print(table)

    entries = read_ledger(ledger_text.splitlines())
    result = verify_report(report, entries, key.public)
    head = report["ledger"]["head"]
    console.print(
        f"   verified against the ledger ({len(entries)} entries, signed head of size "
        f"{head['size'] if head else 0}): "
        + ("[green]OK[/]" if result.ok else "[red]FAILED[/]")
        + f", {result.recounted['total']} disclosures and {result.recounted['accounts_affected']}"
        " accounts recounted from the entries"
    )
    if not result.ok:
        raise RuntimeError("the demo's own transparency report does not verify")

    # A copy that hides one disclosure, re-signed so that only the ledger can catch it.
    tampered = copy.deepcopy(report)
    tampered["figures"]["legal_requests"]["fulfilled"]["total"] -= 1
    tampered["signature"] = base64.b64encode(key.sign(canonical_bytes(tampered))).decode()
    (folder / f"{quarter}-NL-tampered.json").write_text(json.dumps(tampered, indent=2) + "\n")
    caught = verify_report(tampered, entries, key.public)
    console.print(
        "   a copy reporting one disclosure fewer (even signed with the platform key): "
        + ("[red]not caught[/]" if caught.ok else "[green]FAILED verification[/]")
        + (f" ({caught.problems[0]})" if caught.problems else "")
    )
    dropped = entries[:-1] if entries else entries
    trimmed = verify_report(report, dropped, key.public)
    console.print(
        "   the ledger with its last entry removed: "
        + ("[red]not caught[/]" if trimmed.ok else "[green]FAILED verification[/]")
        + (f" ({trimmed.problems[0]})" if trimmed.problems else "")
    )
    if caught.ok or (entries and trimmed.ok):
        raise RuntimeError("the demo's tampered copies passed verification")
    public = base64.b64encode(key.public_bytes).decode()
    console.print(
        f"   check it yourself: lawline transparency verify {report_file} {ledger_file} "
        f"--key {public}",
        soft_wrap=True,
        highlight=False,
    )
