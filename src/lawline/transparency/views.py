"""The SQL views this package reads (created by migration 0004), as SQLAlchemy selectables.

Timestamps are typed `UTCDateTime` so that bound instants compare correctly on both backends.
"""

from __future__ import annotations

from sqlalchemy import Float, Integer, String, column, table

from lawline.core.db import UTCDateTime

legal_requests = table(
    "transparency_legal_requests",
    column("request_id", String),
    column("country", String),
    column("request_type", String),
    column("instrument_kind", String),
    column("offense", String),
    column("status", String),
    column("received_at", UTCDateTime()),
    column("rejected_at", UTCDateTime()),
    column("reason_code", String),
    column("disclosed_at", UTCDateTime()),
    column("accounts_disclosed", Integer),
    column("targets_named", Integer),
    column("preserved_at", UTCDateTime()),
)

decisions = table(
    "transparency_decisions",
    column("decision_id", String),
    column("action", String),
    column("category", String),
    column("decided_at", UTCDateTime()),
    column("first_report_at", UTCDateTime()),
    column("target_kind", String),
    column("ground", String),
    column("automated_detection", Integer),
    column("reversed_at", UTCDateTime()),
)

reports = table(
    "transparency_reports",
    column("report_id", String),
    column("category", String),
    column("created_at", UTCDateTime()),
    column("trusted", Integer),
    column("automated", Integer),
    column("decided_at", UTCDateTime()),
    column("action", String),
    column("ground", String),
)

appeals = table(
    "transparency_appeals",
    column("appeal_id", String),
    column("filed_at", UTCDateTime()),
    column("status", String),
    column("decided_at", UTCDateTime()),
)

# The counters and durations the domains write with each change (lawline.tally, migration 0011).
counters = table(
    "tally_counters",
    column("quarter", String),
    column("scope", String),
    column("figure", String),
    column("key", String),
    column("n", Integer),
)

durations = table(
    "tally_durations",
    column("quarter", String),
    column("scope", String),
    column("figure", String),
    column("seconds", Float),
)
