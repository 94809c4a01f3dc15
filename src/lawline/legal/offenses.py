"""The closed list of offenses a request may name, mapped to the platform's Terms-of-Service
categories (the moderation categories).

The gravity of an offense is not here: each regime's policy file gives the maximum penalty its
own law sets (`[offenses]`), because thresholds such as "three years" are read against the law
of the state that issues the order. `other_not_tos` stands for crimes the platform's rules do
not cover.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Offense:
    id: str
    tos_category: str | None  # the moderation category a violation must have
    description: str


OFFENSES: dict[str, Offense] = {
    o.id: o
    for o in (
        Offense("child_sexual_abuse", "csam", "child sexual abuse material"),
        Offense("terrorism", "terrorism", "terrorist offences, propaganda, recruitment"),
        Offense("weapons_trafficking", "weapons", "trafficking in firearms and ammunition"),
        Offense("drug_trafficking", "drugs", "trafficking in narcotic drugs"),
        Offense("fraud", "scam", "fraud and investment scams"),
        Offense("doxxing_harassment", "doxxing", "doxxing, stalking, non-consensual images"),
        Offense("hate_incitement", "hate", "incitement to hatred or violence"),
        Offense("illegal_goods_trade", "illegal_goods", "trade in other illegal goods"),
        Offense("other_not_tos", None, "a crime outside the platform's rules"),
    )
}
