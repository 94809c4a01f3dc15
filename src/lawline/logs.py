"""Logging set-up with a last line of defence against personal data in log records."""

from __future__ import annotations

import logging
from urllib.parse import unquote, unquote_plus

from lawline.core.pii import mask_personal_data


class PersonalDataFilter(logging.Filter):
    """Mask anything that looks like a phone number or an IP address in the rendered message.

    Personal data should never reach a log call (it travels in redacting wrappers); this filter
    exists for what slips through, such as a third-party library's message.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        masked = mask_personal_data(message)
        # An access-log line carries the path and query URL-encoded (`q=%2B31612345678`, `+`
        # for a space): check the decoded forms too, and log the decoded, masked line if
        # either shows personal data.
        for decoded in (unquote(masked), unquote_plus(masked)):
            redacted = mask_personal_data(decoded)
            if redacted != decoded:
                masked = redacted
                break
        if masked != message:
            record.msg, record.args = masked, None
        return True


def configure_logging(level: int = logging.INFO) -> None:
    handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    handler.addFilter(PersonalDataFilter())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
