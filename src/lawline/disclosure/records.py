"""The disclosed records, minimised: only approved categories, only IP events in range."""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from lawline.platform.protocol import Platform


@dataclass
class AccountRecords:
    account_id: str
    subscriber: dict[str, str] | None = None  # phone (E.164), country, registered_at
    ip_events: list[dict[str, Any]] = field(default_factory=list)  # at, ip, port

    def to_json(self) -> dict[str, Any]:
        return {
            "account_id": self.account_id,
            "subscriber": self.subscriber,
            "ip_events": self.ip_events,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> AccountRecords:
        return cls(data["account_id"], data.get("subscriber"), list(data.get("ip_events", [])))


def collect(
    platform: Platform,
    account_id: str,
    categories: list[str],
    start: datetime | None,
    end: datetime | None,
) -> AccountRecords:
    """Read the account's data for the given categories (personal data: audit the caller)."""
    records = AccountRecords(account_id)
    if "subscriber.phone" in categories:
        sub = platform.subscriber(account_id)
        if sub is not None:
            records.subscriber = {
                "phone": sub.phone.reveal(),
                "country": sub.country,
                "registered_at": sub.registered_at.isoformat(),
            }
    if "traffic.ip" in categories and start is not None and end is not None:
        records.ip_events = [
            {"at": e.at.isoformat(), "ip": str(e.ip.reveal()), "port": e.port}
            for e in platform.ip_events(account_id, start, end)
        ]
    return records


def minimise(
    records: AccountRecords, categories: list[str], start: datetime | None, end: datetime | None
) -> AccountRecords:
    """Keep only what was approved, whatever the source held (a hold may hold more)."""
    out = AccountRecords(records.account_id)
    if "subscriber.phone" in categories:
        out.subscriber = records.subscriber
    if "traffic.ip" in categories and start is not None and end is not None:
        out.ip_events = [
            e
            for e in records.ip_events
            if start <= datetime.fromisoformat(e["at"]).astimezone(UTC) < end
        ]
    return out


def to_files(request_doc: dict[str, Any], accounts: list[AccountRecords]) -> dict[str, bytes]:
    """The package's data files: request.json, data.json, subscribers.csv, ip_events.csv."""
    files = {
        "request.json": json.dumps(request_doc, indent=2, sort_keys=True).encode(),
        "data.json": json.dumps(
            {"accounts": [a.to_json() for a in accounts]}, indent=2, sort_keys=True
        ).encode(),
    }
    subscribers = io.StringIO()
    writer = csv.writer(subscribers, lineterminator="\n")
    writer.writerow(["account_id", "phone", "country", "registered_at"])
    for a in accounts:
        if a.subscriber is not None:
            writer.writerow(
                [
                    a.account_id,
                    a.subscriber["phone"],
                    a.subscriber["country"],
                    a.subscriber["registered_at"],
                ]
            )
    events = io.StringIO()
    writer = csv.writer(events, lineterminator="\n")
    writer.writerow(["account_id", "at", "ip", "port"])
    for a in accounts:
        for e in a.ip_events:
            writer.writerow(
                [a.account_id, e["at"], e["ip"], "" if e["port"] is None else e["port"]]
            )
    if any(a.subscriber is not None for a in accounts):
        files["subscribers.csv"] = subscribers.getvalue().encode()
    if any(a.ip_events for a in accounts):
        files["ip_events.csv"] = events.getvalue().encode()
    return files
