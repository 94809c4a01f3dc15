"""Writing to and checking the audit log.

`append` runs inside the caller's transaction, so an entry exists exactly when the state change
it records was committed. Sessions made by a factory passed to `sign_heads_on_commit` also sign
a tree head at the end of every transaction that appended, so every committed change is covered
by a signature before anyone can see it.
"""

from __future__ import annotations

from collections.abc import Generator, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path
from typing import Any, cast

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from sqlalchemy import Table, event, func, insert, select, text, update
from sqlalchemy.orm import Session, make_transient_to_detached, sessionmaker

from lawline.audit import merkle, subtrees, verify
from lawline.audit.models import AuditEntry, AuditState, TreeHead
from lawline.audit.schemas import (
    ConsistencyProof,
    InclusionProof,
    SignedTreeHead,
    encode,
    entry_bytes,
)
from lawline.core.clock import Clock, SystemClock
from lawline.core.errors import InvalidInput, NotFound, PersonalDataLeak
from lawline.core.keys import SigningKey
from lawline.core.pii import Personal, find_personal_data

_APPENDED = "lawline.audit.appended"


def _refuse_personal_data(value: Any, where: str) -> None:
    if isinstance(value, Personal):
        raise PersonalDataLeak(f"{value.kind} refused in audit {where}")
    if isinstance(value, str):
        kinds = find_personal_data(value)
        if kinds:
            raise PersonalDataLeak(f"{kinds[0]} refused in audit {where}")
    elif isinstance(value, Mapping):
        for key, item in value.items():
            _refuse_personal_data(key, where)
            _refuse_personal_data(item, where)
    elif isinstance(value, list | tuple):
        for item in value:
            _refuse_personal_data(item, where)


_ENTRIES = cast(Table, AuditEntry.__table__)
_STATE = cast(Table, AuditState.__table__)
_HEADS = cast(Table, TreeHead.__table__)
# Core statements: the state row is read under lock and written in one statement each, the
# entry inserted without the unit of work; nothing is cached between appends (another
# transaction, or a rolled-back savepoint, may have moved the state).
_READ_STATE = select(_STATE.c.size, _STATE.c.frontier).where(_STATE.c.id == 1)
_LOCK_STATE = _READ_STATE.with_for_update()
_WRITE_STATE = update(_STATE).where(_STATE.c.id == 1)


def append(
    session: Session,
    entry_type: str,
    *,
    actor: str,
    subject: str,
    body: Mapping[str, Any] | None = None,
    clock: Clock | None = None,
) -> AuditEntry:
    """Append one entry in the caller's transaction and return it (written, not committed)."""
    data = dict(body or {})
    for where, value in (("actor", actor), ("subject", subject), ("body", data)):
        _refuse_personal_data(value, where)
    # The caller's pending changes first, as the ORM's autoflush did: rows it writes are locked
    # before the log's state, the order every writer follows.
    session.flush()
    seq, hexes = session.execute(_LOCK_STATE).one()
    at = (clock or SystemClock()).now()
    digest = merkle.leaf_hash(entry_bytes(seq, entry_type, actor, subject, at, data))
    row = {
        "seq": seq,
        "entry_type": entry_type,
        "actor": actor,
        "subject": subject,
        "at": at,
        "body": data,
        "leaf_hash": digest,
    }
    frontier, completed = merkle.frontier_append_nodes(
        [bytes.fromhex(h) for h in hexes], seq, digest
    )
    session.execute(insert(_ENTRIES), row)
    session.execute(_WRITE_STATE, {"size": seq + 1, "frontier": [h.hex() for h in frontier]})
    subtrees.record(session, "audit", completed)
    session.info[_APPENDED] = True
    # the stored row, in the session as if loaded (no SELECT): callers may read or flush it
    entry = AuditEntry(**row)
    make_transient_to_detached(entry)
    session.add(entry)
    return entry


def current_size_and_root(session: Session) -> tuple[int, bytes]:
    # Core, like `append`: an ORM-loaded state row would be stale after an append
    size, hexes = session.execute(_READ_STATE).one()
    return size, merkle.frontier_root([bytes.fromhex(h) for h in hexes])


def sign_tree_head(session: Session, key: SigningKey, clock: Clock | None = None) -> SignedTreeHead:
    """Sign the current head and store it (in the caller's transaction)."""
    size, root = current_size_and_root(session)
    at = (clock or SystemClock()).now()
    at = at.replace(microsecond=(at.microsecond // 1000) * 1000)  # the signature covers millis
    signature = key.sign(SignedTreeHead.message(size, root, at))
    session.execute(
        insert(_HEADS),
        {"size": size, "root": root, "at": at, "key_id": key.key_id, "signature": signature},
    )
    return _to_schema(size, root, at, key.key_id, signature)


def sign_heads_on_commit(
    factory: sessionmaker[Session], key: SigningKey, clock: Clock | None = None
) -> None:
    """Make every transaction of `factory` that appended to the log end with a signed head.

    SQLAlchemy runs these hooks for savepoints too (`begin_nested`): a savepoint's release is
    no commit (it signs nothing) and its rollback takes back only its own appends, so neither
    touches the flag. Who rolls a savepoint back restores the flag as it was before it (the
    group writer of `lawline.core.group_commit` does); an extra head is harmless, a missing
    one is not.
    """

    @event.listens_for(factory, "before_commit")
    def _sign(session: Session) -> None:
        if not session.in_nested_transaction() and session.info.pop(_APPENDED, False):
            sign_tree_head(session, key, clock)

    @event.listens_for(factory, "after_rollback")
    def _forget(session: Session) -> None:
        if not session.in_nested_transaction():
            session.info.pop(_APPENDED, None)


def _to_schema(size: int, root: bytes, at: datetime, key_id: str, sig: bytes) -> SignedTreeHead:
    return SignedTreeHead(
        size=size, root=encode(root), timestamp=at, key_id=key_id, signature=encode(sig)
    )


def latest_head(session: Session) -> SignedTreeHead | None:
    row = session.execute(
        select(TreeHead).order_by(TreeHead.size.desc(), TreeHead.id.desc()).limit(1)
    ).scalar_one_or_none()
    return (
        None if row is None else _to_schema(row.size, row.root, row.at, row.key_id, row.signature)
    )


def head_for_size(session: Session, size: int) -> SignedTreeHead:
    row = session.execute(
        select(TreeHead).where(TreeHead.size == size).order_by(TreeHead.id.desc()).limit(1)
    ).scalar_one_or_none()
    if row is None:
        raise NotFound(f"no signed tree head of size {size}", code="tree_head_not_found")
    return _to_schema(row.size, row.root, row.at, row.key_id, row.signature)


def get_entry(session: Session, seq: int) -> AuditEntry:
    entry = session.get(AuditEntry, seq)
    if entry is None:
        raise NotFound(f"no audit entry {seq}", code="audit_entry_not_found")
    return entry


def inclusion_proof(session: Session, seq: int, tree_size: int) -> InclusionProof:
    size, _ = current_size_and_root(session)
    if not 0 <= seq < tree_size <= size:
        raise InvalidInput(
            "the entry must lie inside a tree no larger than the log", code="proof_out_of_range"
        )
    ranges = [(seq, seq + 1), *merkle.inclusion_ranges(seq, tree_size)]
    leaf, *path = _roots(session, ranges)
    return InclusionProof(
        seq=seq, tree_size=tree_size, leaf_hash=encode(leaf), path=[encode(p) for p in path]
    )


def consistency_proof(session: Session, old_size: int, new_size: int) -> ConsistencyProof:
    size, _ = current_size_and_root(session)
    if not 0 < old_size <= new_size <= size:
        raise InvalidInput("need 0 < old size <= new size <= log size", code="proof_out_of_range")
    path = _roots(session, merkle.consistency_ranges(old_size, new_size))
    return ConsistencyProof(old_size=old_size, new_size=new_size, path=[encode(p) for p in path])


def _roots(session: Session, ranges: list[tuple[int, int]]) -> list[bytes]:
    return subtrees.roots(session, "audit", AuditEntry.leaf_hash, AuditEntry.seq, ranges)


def entries(session: Session, *, subject: str | None = None) -> Generator[AuditEntry]:
    query = select(AuditEntry).order_by(AuditEntry.seq)
    if subject is not None:
        query = query.where(AuditEntry.subject == subject)
    result = session.execute(query.execution_options(yield_per=1000))
    try:
        yield from result.scalars()
    finally:
        result.close()  # a server-side cursor on PostgreSQL, when the caller stops early


@dataclass(frozen=True)
class LogVerification:
    entries: int
    heads_checked: int
    ok: bool
    first_bad_seq: int | None = None
    problem: str | None = None
    last_good_size: int | None = None

    def describe(self) -> str:
        if self.ok:
            return (
                f"audit log ok: {self.entries} entries, {self.heads_checked} signed heads verified"
            )
        where = (
            f"first bad entry: seq {self.first_bad_seq}"
            if self.first_bad_seq is not None
            else f"a bad entry after seq {self.last_good_size}"
        )
        return f"audit log BROKEN: {where}: {self.problem}"


def verify_log(
    session: Session, public_key: Ed25519PublicKey, *, workers: int = 1, chunk: int = verify.CHUNK
) -> LogVerification:
    """Recompute every leaf from its stored fields, every signed head's root, and the state.

    The log is checked in aligned chunks (see `lawline.audit.verify`); each signed head is
    checked when the pass reaches its size, so the cost is linear in the log whatever the number
    of heads. A changed leaf is reported before a head that disagrees. With `workers > 1` the
    chunks are hashed in that many worker processes, each reading committed rows on a connection
    of its own: use it for a log at rest (the CLI does), not inside a transaction that appended.
    """
    state_size, state_root = current_size_and_root(session)
    heads = session.execute(select(TreeHead).order_by(TreeHead.size, TreeHead.id)).scalars().all()
    last_seq = session.execute(select(func.max(AuditEntry.seq))).scalar_one_or_none()
    total = 0 if last_seq is None else last_seq + 1
    pieces = verify.chunks(total, chunk)
    head_sizes = sorted({row.size for row in heads})
    frontier: list[bytes] = []  # compact range at the start of the current chunk
    count = 0
    next_head = 0
    last_good = 0
    head_problem: LogVerification | None = None

    def check_heads_at(size: int, root: bytes) -> None:
        nonlocal next_head, last_good, head_problem
        while next_head < len(heads) and heads[next_head].size == size and head_problem is None:
            row = heads[next_head]
            head = _to_schema(row.size, row.root, row.at, row.key_id, row.signature)
            if not head.verify_signature(public_key):
                problem = f"signed head of size {row.size} has a bad signature"
            elif root != row.root:
                problem = (
                    f"entries before seq {row.size} differ from what the signed head "
                    f"of size {row.size} covers"
                )
            else:
                last_good = row.size
                next_head += 1
                continue
            head_problem = LogVerification(0, next_head, False, None, problem, last_good)

    check_heads_at(0, merkle.EMPTY_ROOT)
    sizes = [[s for s in head_sizes if a < s <= b] for a, b in pieces]
    with _chunk_results(session, pieces, sizes, workers) as results:
        for (start, end), result in zip(pieces, results, strict=False):
            if result.problem is not None:
                seq, problem = result.problem
                return LogVerification(seq, 0, False, seq, problem)
            for size, part in result.ranges.items():
                if size != end:
                    check_heads_at(size, merkle.frontier_root(frontier + part))
            count = end
            part = result.ranges[end]
            if end - start == chunk:  # a full chunk is one perfect subtree
                frontier = merkle.frontier_append(frontier, start // chunk, part[0])
            else:
                frontier = frontier + part
            check_heads_at(count, merkle.frontier_root(frontier))
    if head_problem is None and next_head < len(heads):
        row = heads[next_head]
        head = _to_schema(row.size, row.root, row.at, row.key_id, row.signature)
        head_problem = (
            LogVerification(
                0,
                next_head,
                False,
                None,
                f"signed head of size {row.size} has a bad signature",
                last_good,
            )
            if not head.verify_signature(public_key)
            else LogVerification(
                0,
                next_head,
                False,
                count,
                f"entries missing: a signed head covers {row.size}",
                last_good,
            )
        )
    if head_problem is not None:
        return replace(head_problem, entries=count)
    if state_size != count or state_root != merkle.frontier_root(frontier):
        return LogVerification(
            count, len(heads), False, None, "append state disagrees with the entries", last_good
        )
    return LogVerification(count, len(heads), True)


@contextmanager
def _chunk_results(
    session: Session, pieces: list[tuple[int, int]], sizes: list[list[int]], workers: int
) -> Iterator[Iterator[verify.ChunkResult]]:
    source = _worker_source(session) if workers > 1 and len(pieces) > 1 else None
    if source is None:
        raw = session.connection().connection.dbapi_connection
        backend = session.get_bind().dialect.name
        yield (
            verify.check_chunk_on(raw, backend, a, b, s)
            for (a, b), s in zip(pieces, sizes, strict=True)
        )
        return
    results = verify.run_workers(
        source, [(a, b, s) for (a, b), s in zip(pieces, sizes, strict=True)], workers
    )
    try:
        yield results
    finally:
        results.close()


def _worker_source(session: Session) -> verify.Source | None:
    """How a worker process reaches the same database; None for an in-memory SQLite."""
    url = session.get_bind().engine.url
    if url.get_backend_name() == "sqlite":
        if not url.database or url.database == ":memory:":
            return None
        return verify.Source("sqlite", str(Path(url.database).resolve()))
    if url.get_backend_name() == "postgresql":
        search_path = session.execute(text("SHOW search_path")).scalar_one()
        conninfo = url.set(drivername="postgresql").render_as_string(hide_password=False)
        return verify.Source("postgresql", conninfo, str(search_path))
    return None
