"""Who tells the person whose data was disclosed, and when.

* Reg. 2023/1543 Art. 13(1)-(2): the issuing authority informs the person without undue delay
  (or delays it under its own law); the provider keeps the order confidential (Art. 13(4)).
  lawline therefore lists an EPOC's targets as notifiable only when the issuing authority asked
  the platform to inform them (`epoc.inform_user_by_platform`).
* 18 U.S.C. 2705(b): only a court order keeps the provider from notifying; intake takes the
  non-disclosure date from that order, and without one the platform's notice policy applies.
* Everything else: the platform's notice policy, after any non-disclosure date the order sets.
"""

from __future__ import annotations

from lawline.legal.models import LegalRequest


def platform_informs(request: LegalRequest) -> bool:
    if request.regime == "eu-e-evidence":
        return request.inform_user
    return True
