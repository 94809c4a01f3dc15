"""The legal fixture: every period and competence as the texts give them, written here once and
independently of the policy files, and every policy file checked against it. Changing a
deadline, a preservation period, an issuer list, a threshold or the appeal window in the code
or the TOML files without changing this table (and its source) fails these tests."""

from __future__ import annotations

import calendar
from datetime import UTC, datetime, timedelta

import pytest

from lawline.legal.policy import RULES, default_policy
from lawline.moderation.appeals import APPEAL_WINDOW

J, C, IJ, P, POL, OT = "judge", "court", "investigating_judge", "prosecutor", "police", "other"
JUDICIAL = {J, C, IJ, P}

# regime -> (answer deadline hours, emergency deadline hours, source)
DEADLINES = {
    "eu-e-evidence": (240, 8, "Reg. 2023/1543 Art. 10(2)-(3) ten days; Art. 10(4) eight hours"),
    "nl": (240, 8, "platform service level"),
    "fr": (240, 8, "platform service level"),
    "be": (240, 8, "platform service level"),
    "us": (240, 8, "platform service level"),
    "default": (240, 8, "platform service level"),
}

# (regime, instrument) -> (days, extension days, extensions, source)
PRESERVATION = {
    ("eu-e-evidence", "epoc_pr"): (60, 30, 1, "Reg. 2023/1543 Art. 11(1)"),
    ("us", "preservation_letter"): (90, 90, 1, "18 U.S.C. 2703(f)(2)"),
    ("nl", "preservation_letter"): (90, None, 0, "Sv art. 126ni(1)"),
    ("fr", "preservation_letter"): (365, None, 0, "CPP art. 60-2 al. 2"),
}

# (regime, instrument, data class) -> (issuers, validated issuers, validators, hours to validate
# an emergency order issued without prior validation)
COMPETENCE = {
    ("eu-e-evidence", "epoc", "subscriber"): (JUDICIAL, {POL, OT}, JUDICIAL, 48),  # Art. 4(1), 4(5)
    ("eu-e-evidence", "epoc", "identification"): (JUDICIAL, {POL, OT}, JUDICIAL, 48),  # 3(10), 4(1)
    ("eu-e-evidence", "epoc", "traffic"): ({J, C, IJ}, {P, POL, OT}, {J, C, IJ}, None),  # Art. 4(2)
    ("eu-e-evidence", "epoc_pr", "subscriber"): (JUDICIAL, {POL, OT}, JUDICIAL, 48),  # Art. 4(3)
    ("eu-e-evidence", "epoc_pr", "traffic"): (JUDICIAL, {POL, OT}, JUDICIAL, 48),  # Art. 4(3), 4(5)
    ("nl", "court_order", "subscriber"): ({POL, P, IJ, J}, set(), set(), None),  # Sv 126na(1)
    ("nl", "court_order", "traffic"): ({P, IJ, J}, set(), set(), None),  # Sv 126n(1)
    ("nl", "preservation_letter", "subscriber"): ({P, IJ, J}, set(), set(), None),  # Sv 126ni
    ("nl", "preservation_letter", "traffic"): ({P, IJ, J}, set(), set(), None),
    ("nl", "emergency_declaration", "subscriber"): ({P, POL, IJ, J}, set(), set(), None),
    ("nl", "emergency_declaration", "traffic"): ({P, POL, IJ, J}, set(), set(), None),
    ("fr", "court_order", "subscriber"): ({P, IJ, J}, {POL}, {P, IJ}, None),  # CPP 60-1, 77-1-1
    ("fr", "court_order", "traffic"): ({P, IJ, J}, {POL}, {P, IJ}, None),
    ("fr", "preservation_letter", "subscriber"): ({P, IJ, J}, {POL}, {P, IJ}, None),  # CPP 60-2
    ("fr", "preservation_letter", "traffic"): ({P, IJ, J}, {POL}, {P, IJ}, None),
    ("fr", "emergency_declaration", "subscriber"): ({P, POL, IJ, J}, set(), set(), None),
    ("fr", "emergency_declaration", "traffic"): ({P, POL, IJ, J}, set(), set(), None),
    ("be", "court_order", "subscriber"): ({P, IJ, J}, set(), set(), None),  # CIC 46bis §1
    ("be", "search_warrant", "subscriber"): ({IJ}, set(), set(), None),  # CIC 88bis §1
    ("be", "search_warrant", "traffic"): ({IJ}, set(), set(), None),
    ("be", "emergency_declaration", "subscriber"): ({P, POL, IJ, J}, set(), set(), None),
    ("be", "emergency_declaration", "traffic"): ({P, POL, IJ, J}, set(), set(), None),
    ("us", "subpoena", "subscriber"): ({P, C, POL}, set(), set(), None),  # 2703(c)(2)
    ("us", "subpoena", "traffic"): ({P, C, POL}, set(), set(), None),  # 2703(c)(2)(C), (E)
    ("us", "court_order", "subscriber"): ({J, C}, set(), set(), None),  # 2703(d)
    ("us", "court_order", "traffic"): ({J, C}, set(), set(), None),
    ("us", "search_warrant", "subscriber"): ({J, C}, set(), set(), None),  # 2703(c)(1)(A)
    ("us", "search_warrant", "traffic"): ({J, C}, set(), set(), None),
    ("us", "preservation_letter", "subscriber"): ({POL, P, J, C}, set(), set(), None),  # 2703(f)
    ("us", "preservation_letter", "traffic"): ({POL, P, J, C}, set(), set(), None),
    ("us", "emergency_declaration", "subscriber"): ({POL, P}, set(), set(), None),  # 2702(c)(4)
    ("us", "emergency_declaration", "traffic"): ({POL, P}, set(), set(), None),
    ("default", "mlat", "subscriber"): (JUDICIAL, set(), set(), None),
    ("default", "mlat", "traffic"): (JUDICIAL, set(), set(), None),
    ("default", "emergency_declaration", "subscriber"): ({P, POL, IJ, J}, set(), set(), None),
    ("default", "emergency_declaration", "traffic"): ({P, POL, IJ, J}, set(), set(), None),
}

# (regime, instrument, data class) -> (least maximum penalty in years, listed offences, online)
GRAVITY = {
    ("eu-e-evidence", "epoc", "identification"): (0, set(), False),  # Art. 5(3)
    ("eu-e-evidence", "epoc", "traffic"): (3, {"child_sexual_abuse", "terrorism"}, False),  # 5(4)
    ("nl", "court_order", "traffic"): (4, set(), False),  # Sv 126n(1), 67(1)(a)
    ("fr", "court_order", "traffic"): (3, set(), False),  # CPP 60-1-2 1°
    ("fr", "court_order", "identification"): (1, set(), True),  # CPP 60-1-2 2°
    ("be", "search_warrant", "traffic"): (1, set(), False),  # CIC 88bis §1
}

# A notified enforcing authority's grounds for refusal (Reg. 2023/1543 Art. 12(1)(a)-(d)).
ENFORCING_GROUNDS = {
    "eu-e-evidence": {
        "immunities_or_press_freedom",
        "fundamental_rights",
        "ne_bis_in_idem",
        "double_criminality",
    }
}

# The refusal grounds of a binding regime, and the procedures that are not refusals.
GROUNDS = {
    "eu-e-evidence": (
        {"manifest_error", "de_facto_impossibility"},
        {"immunities_or_press_freedom", "conflicting_third_country_law"},
    )
}

# Rules that are the platform's own in every regime (never a reason to refuse a binding order).
PLATFORM_RULES = {
    "offense_within_tos",
    "max_range_days",
    "max_targets",
    "violation_precondition",
    "duplicate",
}


@pytest.fixture(scope="module")
def policy():  # type: ignore[no-untyped-def]
    return default_policy()


def test_every_regime_answers_within_the_fixture_deadlines(policy) -> None:  # type: ignore[no-untyped-def]
    assert set(policy.regimes) == set(DEADLINES)
    for regime_id, (hours, emergency, _) in DEADLINES.items():
        regime = policy.regimes[regime_id]
        assert (regime.deadline_hours, regime.emergency_deadline_hours) == (hours, emergency)


def test_every_preservation_period_is_the_texts(policy) -> None:  # type: ignore[no-untyped-def]
    found = {
        (r.id, i.kind): (i.preservation_days, i.extension_days, i.max_extensions)
        for r in policy.regimes.values()
        for i in r.instruments
        if "preservation" in i.request_types
    }
    assert found == {key: value[:3] for key, value in PRESERVATION.items()}


def test_every_issuer_list_is_the_texts(policy) -> None:  # type: ignore[no-untyped-def]
    found = {
        (r.id, i.kind, data_class): (
            set(c.issuers),
            set(c.validated_issuers),
            set(c.validators),
            c.validation_hours if c.emergency_without_validation else None,
        )
        for r in policy.regimes.values()
        for i in r.instruments
        for data_class, c in i.competence.items()
    }
    assert found == COMPETENCE


def test_every_gravity_threshold_is_the_texts(policy) -> None:  # type: ignore[no-untyped-def]
    found = {
        (r.id, i.kind, data_class): (g.min_years, set(g.listed_offenses), g.requires_online)
        for r in policy.regimes.values()
        for i in r.instruments
        for data_class, g in i.gravity.items()
    }
    assert found == GRAVITY


def test_binding_orders_list_only_the_regulations_grounds(policy) -> None:  # type: ignore[no-untyped-def]
    for regime in policy.regimes.values():
        binding = any(i.binding for i in regime.instruments)
        if not binding:
            continue
        refusals, objections = GROUNDS[regime.id]
        assert {g.code for g in regime.refusal_grounds} == refusals
        assert {g.code for g in regime.objections} == objections
        assert {g.code for g in regime.enforcing_grounds} == ENFORCING_GROUNDS[regime.id]
    assert {r.id for r in policy.regimes.values() if any(i.binding for i in r.instruments)} == set(
        GROUNDS
    )


def test_every_rule_is_marked_with_a_source_and_platform_rules_are_the_platforms(policy) -> None:  # type: ignore[no-untyped-def]
    for regime in policy.regimes.values():
        assert set(regime.rules) == set(RULES)
        assert all(mark.source.strip() for mark in regime.rules.values())
        platform = {name for name, mark in regime.rules.items() if mark.basis == "platform"}
        assert platform >= PLATFORM_RULES, regime.id
        if regime.id == "eu-e-evidence":
            assert platform == PLATFORM_RULES


def _six_months_later(moment: datetime) -> datetime:
    year, month = divmod(moment.month - 1 + 6, 12)
    year += moment.year
    day = min(moment.day, calendar.monthrange(year, month + 1)[1])
    return moment.replace(year=year, month=month + 1, day=day)


def test_the_appeal_window_is_six_months_from_every_decision_day() -> None:
    """DSA Art. 20(1): at least six months after the decision, for any decision date."""
    start = datetime(2027, 1, 1, 12, tzinfo=UTC)
    shortfall = [
        start + timedelta(days=d)
        for d in range(366 * 2)
        if start + timedelta(days=d) + APPEAL_WINDOW < _six_months_later(start + timedelta(days=d))
    ]
    assert shortfall == []
    assert timedelta(days=184) >= APPEAL_WINDOW  # six calendar months, not more


def test_the_policy_document_lists_every_rule_as_the_files_do(policy) -> None:  # type: ignore[no-untyped-def]
    from pathlib import Path

    from lawline.legal.policy_doc import BEGIN, END, render

    text = (Path(__file__).parents[2] / "docs" / "policies.md").read_text()
    assert text[text.index(BEGIN) : text.index(END) + len(END)] == render(policy)


def test_a_statement_without_facts_cites_dsa_article_17_3_b() -> None:
    """DSA Art. 17(3)(b) is the facts and circumstances relied on; (c) is automated means."""
    from lawline.core.errors import InvalidInput
    from lawline.moderation.decisions import decide
    from lawline.staff.service import Staff

    moderator = Staff(id="s1", username="mod", roles=frozenset({"moderator"}))
    with pytest.raises(InvalidInput) as caught:
        decide(
            None,  # type: ignore[arg-type]  # refused before any read
            None,  # type: ignore[arg-type]
            1,
            staff=moderator,
            action="delist",
            category="drugs",
            facts="short",
        )
    assert caught.value.code == "facts_missing"
    assert "Art. 17(3)(b)" in caught.value.message
