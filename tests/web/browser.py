"""The browser for the page tests: Debian's chromium driven by Playwright, never a downloaded one.

`make test` installs the `chromium` package when it is missing and it runs as root. Without a
browser the browser tests skip with the reason printed, except in CI where they fail.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

CHROMIUM = Path(os.environ.get("LAWLINE_TEST_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
AXE = Path(__file__).parent / "vendor" / "axe-core" / "axe.min.js"
# Every page the browser tests check is photographed; `make screenshots` keeps them in
# docs/screenshots, a plain test run in a temporary folder (the checkout stays clean).
SCREENSHOTS = Path(
    os.environ.get("LAWLINE_TEST_SCREENSHOTS", Path(tempfile.gettempdir()) / "lawline-screenshots")
)
IN_CI = os.environ.get("CI", "").lower() == "true"


def browser_problem() -> str | None:
    """Why the browser tests cannot run here, or None."""
    if not CHROMIUM.exists() and shutil.which(str(CHROMIUM)) is None:
        return f"no chromium at {CHROMIUM} (`apt-get install chromium`, or `make test` as root)"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "the playwright package is missing (install the dev extra)"
    return None
