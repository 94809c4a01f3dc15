"""The closed list of report categories and what each means for moderation and the DSA.

`statement_category` / `keywords` are the EU DSA Transparency Database's `STATEMENT_CATEGORY_*`
and `KEYWORD_*` values; `severity` and `deadline_hours` drive the queue.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Category:
    id: str
    label: str
    severity: int  # 1 (least) .. 10 (most)
    deadline_hours: int
    statement_category: str
    keywords: tuple[str, ...]
    illegal: bool  # typically illegal content (vs only against the terms of service)
    legal_ground: str


CATEGORIES: dict[str, Category] = {
    c.id: c
    for c in (
        Category(
            "csam",
            "Child sexual abuse material",
            10,
            1,
            "STATEMENT_CATEGORY_PROTECTION_OF_MINORS",
            ("KEYWORD_CHILD_SEXUAL_ABUSE_MATERIAL",),
            True,
            "Directive 2011/93/EU on combating the sexual abuse of children, Art. 5",
        ),
        Category(
            "terrorism",
            "Terrorist content",
            10,
            1,
            "STATEMENT_CATEGORY_RISK_FOR_PUBLIC_SECURITY",
            ("KEYWORD_TERRORIST_CONTENT",),
            True,
            "Regulation (EU) 2021/784 on terrorist content online",
        ),
        Category(
            "weapons",
            "Weapons and ammunition for sale",
            8,
            24,
            "STATEMENT_CATEGORY_UNSAFE_AND_PROHIBITED_PRODUCTS",
            ("KEYWORD_PROHIBITED_PRODUCTS",),
            True,
            "Directive (EU) 2021/555 on the acquisition and possession of weapons",
        ),
        Category(
            "drugs",
            "Drugs for sale",
            7,
            24,
            "STATEMENT_CATEGORY_UNSAFE_AND_PROHIBITED_PRODUCTS",
            ("KEYWORD_PROHIBITED_PRODUCTS",),
            True,
            "Framework Decision 2004/757/JHA on illicit drug trafficking",
        ),
        Category(
            "scam",
            "Scams and fraud",
            6,
            24,
            "STATEMENT_CATEGORY_SCAMS_AND_FRAUD",
            ("KEYWORD_PYRAMID_SCHEMES",),
            True,
            "national criminal law on fraud",
        ),
        Category(
            "doxxing",
            "Doxxing, lists rating women, leaked intimate images",
            8,
            24,
            "STATEMENT_CATEGORY_CYBER_VIOLENCE_AGAINST_WOMEN",
            ("KEYWORD_CYBER_HARASSMENT_AGAINST_WOMEN",),
            True,
            "Directive (EU) 2024/1385 on combating violence against women, Art. 5-6",
        ),
        Category(
            "hate",
            "Hate speech",
            6,
            24,
            "STATEMENT_CATEGORY_ILLEGAL_OR_HARMFUL_SPEECH",
            ("KEYWORD_HATE_SPEECH",),
            True,
            "Framework Decision 2008/913/JHA",
        ),
        Category(
            "illegal_goods",
            "Other illegal goods",
            5,
            24,
            "STATEMENT_CATEGORY_UNSAFE_AND_PROHIBITED_PRODUCTS",
            ("KEYWORD_GOODS_SERVICES_NOT_PERMITTED",),
            False,
            "",
        ),
        Category("spam", "Spam", 2, 24, "STATEMENT_CATEGORY_OTHER_VIOLATION_TC", (), False, ""),
        Category("other", "Other", 1, 24, "STATEMENT_CATEGORY_OTHER_VIOLATION_TC", (), False, ""),
    )
}
