"""Logging set-up with a last line of defence against personal data in log records."""

from __future__ import annotations

import logging

from lawline.core.pii import mask_personal_data


class PersonalDataFilter(logging.Filter):
    """Mask anything that looks like a phone number or an IP address in the rendered message.

    Personal data should never reach a log call (it travels in redacting wrappers); this filter
    exists for what slips through, such as a third-party library's message.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        masked = mask_personal_data(message)
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
