"""The running system, assembled from settings: database, sessions, signing key, platform.

Front ends (API, CLI, bots) build one `Runtime` and pass its parts to the domain services.
"""

from __future__ import annotations

import threading
from functools import cached_property
from typing import TYPE_CHECKING

from sqlalchemy import Engine, event
from sqlalchemy.orm import Session, sessionmaker

from lawline import migrations
from lawline.audit.service import sign_heads_on_commit
from lawline.core.clock import Clock, SystemClock
from lawline.core.db import make_engine, session_factory
from lawline.core.errors import ConfigurationError
from lawline.core.group_commit import GroupWriter
from lawline.core.keys import SigningKey, load_or_create_signing_key
from lawline.core.settings import Settings
from lawline.outbox.service import OUTBOX_WRITTEN
from lawline.platform.protocol import Platform

if TYPE_CHECKING:
    from lawline.legal.context import LegalContext
    from lawline.moderation.context import ModerationContext


class Runtime:
    def __init__(self, settings: Settings | None = None, *, clock: Clock | None = None) -> None:
        self.settings = settings or Settings()
        self.clock: Clock = clock or SystemClock()
        # set after every commit that wrote intents: an in-process worker starts at once
        self.outbox_wakeup = threading.Event()

    @cached_property
    def engine(self) -> Engine:
        return make_engine(self.settings.resolved_database_url)

    @cached_property
    def signing_key(self) -> SigningKey:
        return load_or_create_signing_key(self.settings.resolved_signing_key_file)

    @cached_property
    def sessions(self) -> sessionmaker[Session]:
        factory = session_factory(self.engine)
        sign_heads_on_commit(factory, self.signing_key, self.clock)
        wakeup = self.outbox_wakeup

        @event.listens_for(factory, "after_commit")
        def _wake_worker(session: Session) -> None:
            # not on a savepoint's release: the intents are not committed yet
            if not session.in_nested_transaction() and session.info.pop(OUTBOX_WRITTEN, False):
                wakeup.set()

        return factory

    @cached_property
    def writer(self) -> GroupWriter | None:
        """Group commit for the hot writes (`lawline.boundary.write_in_thread`) on SQLite: one
        writer thread, as SQLite takes one writer at a time anyway.

        None on PostgreSQL, where those writes keep a transaction each on concurrent threads:
        a single batching thread there puts every statement's round trip to the server in one
        line, and measured slower (45 against 66 reports/s) than transactions that overlap
        until they meet at the audit log's lock. (`GroupWriter` is correct on PostgreSQL too,
        and tested there; batching threads that overlap are the next step.)
        """
        if self.engine.dialect.name != "sqlite":
            return None
        return GroupWriter(self.sessions, threads=1)

    @cached_property
    def reporter_pseudonym_key(self) -> bytes:
        """Key of the hash that turns a client address into a reporter pseudonym. Derived from
        the platform key (Ed25519 signatures are deterministic), so it needs no file of its own
        and only this installation can compute it."""
        return self.signing_key.sign(b"lawline reporter pseudonyms v1")[:32]

    @cached_property
    def read_sessions(self) -> sessionmaker[Session]:
        """Sessions for requests that only read: on SQLite they never wait for a writer."""
        return session_factory(self.engine, read_only=True)

    @cached_property
    def platform(self) -> Platform:
        if self.settings.platform == "sql":
            from lawline.platform.sql import SqlPlatform

            if self.settings.platform_sql_config is None:
                raise ConfigurationError("LAWLINE_PLATFORM=sql needs LAWLINE_PLATFORM_SQL_CONFIG")
            return SqlPlatform.from_config(self.settings.platform_sql_config)
        from lawline.platform.embedded import EmbeddedPlatform

        return EmbeddedPlatform(self.settings.resolved_platform_path)

    @cached_property
    def platform_identity(self) -> str:
        from lawline.disclosure.crypto import load_or_create_identity

        return load_or_create_identity(self.settings.resolved_age_identity_file)

    @cached_property
    def legal(self) -> LegalContext:
        from lawline.legal.context import LegalContext
        from lawline.legal.policy import default_policy

        return LegalContext(
            platform=self.platform,
            clock=self.clock,
            signing_key=self.signing_key,
            platform_identity=self.platform_identity,
            policy=default_policy(),
            alerts_account=self.settings.legal_alerts_account,
        )

    @cached_property
    def moderation(self) -> ModerationContext:
        from lawline.moderation.context import ModerationContext
        from lawline.moderation.triage_store import configured_model

        name, data_dir = self.settings.triage_model, self.settings.data_dir
        return ModerationContext(
            platform=self.platform,
            clock=self.clock,
            settings=self.settings,
            load_triage=lambda: configured_model(name, data_dir),
        )

    def upgrade_database(self) -> None:
        migrations.upgrade(self.engine)

    def require_current_schema(self) -> None:
        """Refuse to work on a database the migrations have not brought up to date."""
        current = migrations.current_revision(self.engine)
        head = migrations.head_revision(self.engine)
        if current != head:
            raise ConfigurationError(
                f"the database is at revision {current or 'none'} but lawline needs {head}: "
                "run `lawline db upgrade`",
                code="database_not_migrated",
            )

    def close(self) -> None:
        if "writer" in self.__dict__ and self.writer is not None:
            self.writer.close()
        if "platform" in self.__dict__:
            self.platform.close()
        if "engine" in self.__dict__:
            self.engine.dispose()
