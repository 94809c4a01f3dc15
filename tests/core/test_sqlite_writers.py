"""SQLite: writers of one process queue on lawline's lock, readers never wait for a writer."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, text
from sqlalchemy.orm import Session

from lawline.core.db import make_engine, session_factory, transaction


@pytest.fixture
def engine(tmp_path: Path) -> Iterator[Engine]:
    engine = make_engine(f"sqlite:///{tmp_path / 'w.sqlite'}", connect_args={"timeout": 2})
    with engine.begin() as connection:
        connection.execute(text("CREATE TABLE counter (id INTEGER PRIMARY KEY, n INTEGER)"))
        connection.execute(text("INSERT INTO counter VALUES (1, 0)"))
    yield engine
    engine.dispose()


def _increment(session: Session) -> None:
    n = session.execute(text("SELECT n FROM counter WHERE id = 1")).scalar_one()
    session.execute(text("UPDATE counter SET n = :n WHERE id = 1"), {"n": n + 1})


def test_sixteen_threads_of_read_modify_write_lose_no_update(engine: Engine) -> None:
    # A read-then-write in a deferred transaction would lose updates or fail to upgrade;
    # a write transaction holds the write lock from its first statement.
    factory = session_factory(engine)
    errors: list[BaseException] = []

    def work() -> None:
        try:
            for _ in range(25):
                with transaction(factory) as session:
                    _increment(session)
        except BaseException as exc:  # reported below
            errors.append(exc)

    threads = [threading.Thread(target=work) for _ in range(16)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    with engine.connect() as connection:
        assert connection.execute(text("SELECT n FROM counter")).scalar_one() == 16 * 25


def test_a_reader_is_not_blocked_by_an_open_write_transaction(engine: Engine) -> None:
    writer_inside = threading.Event()
    reader_done = threading.Event()
    seen: list[int] = []

    def write() -> None:
        with transaction(session_factory(engine)) as session:
            session.execute(text("UPDATE counter SET n = 41 WHERE id = 1"))
            writer_inside.set()
            # Hold the write transaction open until the reader has finished (or give up).
            reader_done.wait(timeout=5)

    thread = threading.Thread(target=write)
    thread.start()
    assert writer_inside.wait(timeout=5)
    with session_factory(engine, read_only=True)() as session:
        seen.append(session.execute(text("SELECT n FROM counter")).scalar_one())
    reader_done.set()
    thread.join()
    assert seen == [0]  # the committed snapshot, read while the writer was still open
    with engine.connect() as connection:
        assert connection.execute(text("SELECT n FROM counter")).scalar_one() == 41


@pytest.mark.parametrize("ending", ["rollback", "exception", "close"])
def test_the_writer_lock_is_given_back_however_a_transaction_ends(
    engine: Engine, ending: str
) -> None:
    factory = session_factory(engine)
    if ending == "rollback":
        with factory() as session:
            _increment(session)
            session.rollback()
    elif ending == "exception":

        def fail_inside_a_transaction() -> None:
            with transaction(factory) as session:
                _increment(session)
                raise ZeroDivisionError

        with pytest.raises(ZeroDivisionError):
            fail_inside_a_transaction()
    else:
        session = factory()
        _increment(session)
        session.close()
    done = threading.Event()

    def write_from_another_thread() -> None:
        with transaction(factory) as other:
            _increment(other)
        done.set()

    thread = threading.Thread(target=write_from_another_thread)
    thread.start()
    thread.join(timeout=10)
    assert done.is_set()
    with engine.connect() as connection:
        assert connection.execute(text("SELECT n FROM counter")).scalar_one() == 1
