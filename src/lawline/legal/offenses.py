"""The closed list of offenses a request may name, mapped to the platform's Terms-of-Service
categories (the moderation categories) and a typical maximum penalty used for gravity thresholds.

`other_not_tos` stands for crimes the platform's rules do not cover: lawline refuses them
(`offense_not_tos_violation`), unless the instrument is binding.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Offense:
    id: str
    tos_category: str | None  # the moderation category a violation must have
    max_penalty_years: int  # a typical statutory maximum in the EU and US, for thresholds
    description: str


OFFENSES: dict[str, Offense] = {
    o.id: o
    for o in (
        Offense("child_sexual_abuse", "csam", 10, "child sexual abuse material"),
        Offense("terrorism", "terrorism", 15, "terrorist offences, propaganda, recruitment"),
        Offense("weapons_trafficking", "weapons", 8, "trafficking in firearms and ammunition"),
        Offense("drug_trafficking", "drugs", 12, "trafficking in narcotic drugs"),
        Offense("fraud", "scam", 6, "fraud and investment scams"),
        Offense("doxxing_harassment", "doxxing", 3, "doxxing, stalking, non-consensual images"),
        Offense("hate_incitement", "hate", 2, "incitement to hatred or violence"),
        Offense("illegal_goods_trade", "illegal_goods", 4, "trade in other illegal goods"),
        Offense("other_not_tos", None, 0, "a crime outside the platform's rules"),
    )
}
