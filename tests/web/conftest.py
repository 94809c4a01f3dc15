"""A live lawline server (uvicorn in a thread, real HTTP) and a headless chromium for the pages.

The server runs on its own SQLite file with a generated platform and a clock the tests move, so
TOTP codes and signed log-in challenges are computed against the same time the server reads.
"""

from __future__ import annotations

import secrets
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
import uvicorn
from fastapi.testclient import TestClient
from sqlalchemy import text

from lawline.api.app import create_app
from lawline.core.clock import FixedClock
from lawline.core.db import make_engine, transaction
from lawline.core.settings import Settings
from lawline.runtime import Runtime
from lawline.search.service import reindex
from tests.web.browser import CHROMIUM, CHROMIUM_ARGS, IN_CI, browser_problem
from tests.web.world import World, seed, totp_for

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

NOW = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)


@dataclass
class LiveServer:
    runtime: Runtime
    url: str
    clock: FixedClock
    world: World

    def totp(self, username: str) -> str:
        """A code for a fresh 30-second step, so no two log-ins in a test reuse one."""
        self.clock.advance(timedelta(seconds=30))
        return totp_for(self.runtime, username)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start_server(runtime: Runtime) -> Iterator[str]:
    port = _free_port()
    config = uvicorn.Config(
        create_app(runtime), host="127.0.0.1", port=port, log_level="warning", lifespan="on"
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the test server did not start")
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(10)


@pytest.fixture(scope="session")
def live_runtime(
    platform_file: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Runtime]:
    data_dir = tmp_path_factory.mktemp("web-data")
    (data_dir / "platform.sqlite").write_bytes(platform_file.read_bytes())
    # the page forms are throttled per client like the API; every browser test logs in from
    # 127.0.0.1 against this one server
    settings = Settings(
        data_dir=data_dir,
        database_url=None,
        login_rate="1000/minute",
        report_client_rate="1000/minute",
    )
    runtime = Runtime(settings, clock=FixedClock(NOW))
    runtime.upgrade_database()
    with transaction(runtime.sessions) as session:
        reindex(session, runtime.platform, runtime.clock)
        runtime.__dict__["world"] = seed(session, runtime)
    yield runtime
    runtime.close()


@pytest.fixture(scope="session")
def live_server(live_runtime: Runtime) -> Iterator[LiveServer]:
    assert isinstance(live_runtime.clock, FixedClock)
    for url in start_server(live_runtime):
        yield LiveServer(live_runtime, url, live_runtime.clock, live_runtime.__dict__["world"])


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    problem = browser_problem()
    if problem:
        if IN_CI:
            pytest.fail(f"{problem}; the browser tests are required when CI=true")
        pytest.skip(f"{problem}; skipping the browser tests (required only when CI=true)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        yield launched
        launched.close()


@pytest.fixture
def page(browser: Browser, live_server: LiveServer) -> Iterator[Page]:
    """A fresh browser context (no cookies) per test, with the server as base URL."""
    context = browser.new_context(base_url=live_server.url, accept_downloads=True)
    context.set_default_timeout(10_000)
    tab = context.new_page()
    yield tab
    context.close()


@dataclass
class Pages:
    """The app over real HTTP (ASGI) on one database, seeded like the live server."""

    runtime: Runtime
    http: TestClient
    world: World


@pytest.fixture(params=["sqlite", "postgresql"])
def pages(request: pytest.FixtureRequest, platform_file: Path, tmp_path: Path) -> Iterator[Pages]:
    database_url = None
    if request.param == "postgresql":
        url, _ = request.getfixturevalue("postgres_schema_url")
        schema = f"web_{secrets.token_hex(5)}"
        admin = make_engine(url)
        with admin.begin() as connection:
            connection.execute(text(f'CREATE SCHEMA "{schema}"'))
        database_url = f"{url}?options=-csearch_path%3D{schema}"

        def drop() -> None:
            with admin.begin() as connection:
                connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
            admin.dispose()

        request.addfinalizer(drop)  # noqa: PT021 - only the PostgreSQL variant has it
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    (data_dir / "platform.sqlite").write_bytes(platform_file.read_bytes())
    runtime = Runtime(Settings(data_dir=data_dir, database_url=database_url), clock=FixedClock(NOW))
    runtime.upgrade_database()
    with transaction(runtime.sessions) as session:
        world = seed(session, runtime)
    with TestClient(create_app(runtime), base_url="https://testserver") as http:
        yield Pages(runtime, http, world)
    runtime.close()
