"""The audit path of the counters: recount a quarter from the views, compare every figure with
what the counters give (and the disclosures with the public ledger), and name what differs.

`aggregate` (and `eu_templates.counted`) serve reports from counters kept in the transaction of
each change; a bug in a domain's counting, a change written past the services, or a hand-edited
counter would make the two disagree. This is what `lawline transparency check QUARTER` runs.
It only reads.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from lawline.audit import ledger
from lawline.transparency import aggregate, eu_templates, recount
from lawline.transparency.quarters import Quarter


def _differences(path: str, counted: Any, recounted: Any) -> list[str]:
    if isinstance(counted, dict) and isinstance(recounted, dict):
        out: list[str] = []
        for name in sorted(set(counted) | set(recounted), key=str):
            out += _differences(f"{path}.{name}", counted.get(name, 0), recounted.get(name, 0))
        return out
    if counted != recounted:
        return [f"{path}: counters say {counted}, the views say {recounted}"]
    return []


def _ledger_differences(
    session: Session, quarter: Quarter, country: str | None, fulfilled: dict[str, Any]
) -> list[str]:
    counts = ledger.ledger_counts(session, str(quarter), country)
    entries = sum(n for n, _ in counts.values())
    accounts = sum(a for _, a in counts.values())
    where = country or "all countries"
    out = []
    if entries != fulfilled["total"]:
        out.append(
            f"{where}: legal_requests.fulfilled.total: counters say {fulfilled['total']}, "
            f"the ledger has {entries} entries"
        )
    if accounts != fulfilled["accounts_affected"]:
        out.append(
            f"{where}: legal_requests.fulfilled.accounts_affected: counters say "
            f"{fulfilled['accounts_affected']}, the ledger says {accounts}"
        )
    return out


def check(session: Session, quarter: Quarter) -> list[str]:
    """Every difference between the counters, the views and the ledger for `quarter` (the
    report's figures, each country's legal figures, the EU templates' figures), each naming its
    figure (`NL: legal_requests.rejected.by_reason.duplicate: ...`); empty when all three
    agree."""
    counted = aggregate.figures(session, quarter)
    recounted = recount.figures(session, quarter)
    problems = _differences("all countries: figures", counted, recounted)
    problems += _ledger_differences(session, quarter, None, counted["legal_requests"]["fulfilled"])
    problems += _differences(
        "all countries: eu_templates",
        eu_templates.counted(session, quarter),
        eu_templates.recounted(session, quarter),
    )
    for country in sorted(set(counted["by_country"]) | set(recounted["by_country"])):
        mine = aggregate.legal_figures(session, quarter, country)
        theirs = recount.legal_figures(session, quarter, country)
        problems += _differences(f"{country}: legal_requests", mine, theirs)
        problems += _ledger_differences(session, quarter, country, mine["fulfilled"])
    return problems
