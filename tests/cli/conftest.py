"""The legal API fixture serves the CLI tests that need a lawline to talk to."""

from tests.legal.conftest import legal_api  # noqa: F401 - re-exported as a fixture
