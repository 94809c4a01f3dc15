"""Search: one interface, SQLite FTS5 or PostgreSQL full-text underneath.

A channel is findable only while `listed`; a delisting decision sets it in the decision's own
transaction, so the channel is gone from results from the moment that decision commits.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from sqlalchemy import text
from sqlalchemy.orm import Session

from lawline.core.clock import Clock
from lawline.core.errors import InvalidInput
from lawline.platform.protocol import Channel, Platform
from lawline.search.models import SearchChannel

MAX_QUERY = 200
_WORD = re.compile(r"\w+", re.UNICODE)


@dataclass(frozen=True)
class Hit:
    channel_id: str
    name: str
    kind: str
    title: str
    description: str
    language: str
    subscribers: int


def _fts_row(session: Session, row: SearchChannel) -> None:
    if session.get_bind().dialect.name == "sqlite":
        session.execute(
            text("DELETE FROM search_channels_fts WHERE channel_id = :id"), {"id": row.channel_id}
        )
        session.execute(
            text(
                "INSERT INTO search_channels_fts (channel_id, name, title, description) "
                "VALUES (:id, :name, :title, :description)"
            ),
            {
                "id": row.channel_id,
                "name": row.name,
                "title": row.title,
                "description": row.description,
            },
        )


def upsert_channel(session: Session, channel: Channel, clock: Clock) -> None:
    """Index (or re-index) one channel as the platform has it now."""
    row = session.get(SearchChannel, channel.id)
    if row is None:
        row = SearchChannel(channel_id=channel.id)
        session.add(row)
    row.name, row.kind, row.title = channel.name, channel.kind, channel.title
    row.description, row.language = channel.description, channel.language
    row.subscribers = channel.subscribers
    row.listed = channel.listed and not channel.removed
    row.updated_at = clock.now()
    session.flush()
    _fts_row(session, row)


def set_listed(session: Session, channel_id: str, listed: bool, clock: Clock) -> None:
    row = session.get(SearchChannel, channel_id)
    if row is not None:
        row.listed = listed
        row.updated_at = clock.now()
        session.flush()


def reindex(session: Session, platform: Platform, clock: Clock) -> int:
    """Index every channel of the platform (run at start-up and after platform changes)."""
    count, after = 0, None
    while True:
        page = platform.channels(after_id=after, limit=500)
        if not page:
            return count
        for channel in page:
            upsert_channel(session, channel, clock)
        count += len(page)
        after = page[-1].id


# The statements `search` runs, one per backend; the benchmark's raw baseline runs the same text.
# The listed filter sits inside the ranked query, so delisted channels never take places in a
# page, and the page's rows come back with the match: one round trip, no ORM entities.
SQLITE_STATEMENT = (
    "SELECT c.channel_id, c.name, c.kind, c.title, c.description, c.language, c.subscribers "
    "FROM search_channels_fts AS f JOIN search_channels AS c ON c.channel_id = f.channel_id "
    "WHERE search_channels_fts MATCH :q AND c.listed ORDER BY f.rank LIMIT :n"
)
POSTGRESQL_STATEMENT = (
    "SELECT c.channel_id, c.name, c.kind, c.title, c.description, c.language, c.subscribers "
    "FROM search_channels AS c, to_tsquery('simple', :q) AS q "
    "WHERE c.document @@ q AND c.listed ORDER BY ts_rank(c.document, q) DESC LIMIT :n"
)


def fts5_query(words: list[str]) -> str:
    """Every word, as a prefix, in FTS5's query syntax."""
    return " ".join(f'"{w}"*' for w in words)


def query_words(query: str) -> list[str]:
    return _WORD.findall(query)


def search(session: Session, query: str, limit: int = 20) -> list[Hit]:
    words = query_words(query)
    if len(query) > MAX_QUERY:
        raise InvalidInput(f"at most {MAX_QUERY} characters", code="query_too_long")
    if not words:
        raise InvalidInput("the query has no words", code="query_empty")
    limit = max(1, min(limit, 100))
    if session.get_bind().dialect.name == "sqlite":
        statement, query_text = SQLITE_STATEMENT, fts5_query(words)
    else:
        statement = POSTGRESQL_STATEMENT
        query_text = " & ".join(f"{w.lower()}:*" for w in words)
    rows = session.execute(text(statement), {"q": query_text, "n": limit})
    return [Hit(*row) for row in rows]
