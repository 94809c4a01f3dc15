"""The legal API fixture (a running app with authorities and staff) serves the API tests too."""

from tests.legal.conftest import legal_api  # noqa: F401 - re-exported as a fixture
