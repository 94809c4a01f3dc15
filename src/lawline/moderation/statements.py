"""Statements of reasons (DSA Art. 17) and their export in the submission format of the EU DSA
Transparency Database API, with a validator that applies that API's rules (the Commission's
`StatementStoreRequest`): required fields, closed value lists, conditional fields, lengths,
`Y-m-d` dates and the `puid` pattern."""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Any

import pycountry

from lawline.core.pii import mask_personal_data
from lawline.moderation.actions import RULES
from lawline.moderation.categories import CATEGORIES
from lawline.moderation.models import Case, Decision

EEA_AND_EU = (
    "AT",
    "BE",
    "BG",
    "CY",
    "CZ",
    "DE",
    "DK",
    "EE",
    "ES",
    "FI",
    "FR",
    "GR",
    "HR",
    "HU",
    "IE",
    "IS",
    "IT",
    "LI",
    "LT",
    "LU",
    "LV",
    "MT",
    "NL",
    "NO",
    "PL",
    "PT",
    "RO",
    "SE",
    "SI",
    "SK",
)
REDRESS = (
    "You may appeal this decision within six months through the platform's internal "
    "complaint system (DSA Art. 20), turn to a certified out-of-court dispute settlement "
    "body (Art. 21), or go to court."
)
TOS_URL = "https://lawline.example/terms"

DECISION_VISIBILITIES = {
    "DECISION_VISIBILITY_CONTENT_REMOVED",
    "DECISION_VISIBILITY_CONTENT_DISABLED",
    "DECISION_VISIBILITY_CONTENT_DEMOTED",
    "DECISION_VISIBILITY_CONTENT_AGE_RESTRICTED",
    "DECISION_VISIBILITY_CONTENT_INTERACTION_RESTRICTED",
    "DECISION_VISIBILITY_CONTENT_LABELLED",
    "DECISION_VISIBILITY_OTHER",
}
DECISION_MONETARIES = {
    "DECISION_MONETARY_SUSPENSION",
    "DECISION_MONETARY_TERMINATION",
    "DECISION_MONETARY_OTHER",
}
DECISION_PROVISIONS = {
    "DECISION_PROVISION_PARTIAL_SUSPENSION",
    "DECISION_PROVISION_TOTAL_SUSPENSION",
    "DECISION_PROVISION_PARTIAL_TERMINATION",
    "DECISION_PROVISION_TOTAL_TERMINATION",
}
DECISION_ACCOUNTS = {"DECISION_ACCOUNT_SUSPENDED", "DECISION_ACCOUNT_TERMINATED"}
DECISION_GROUNDS = {"DECISION_GROUND_ILLEGAL_CONTENT", "DECISION_GROUND_INCOMPATIBLE_CONTENT"}
CONTENT_TYPES = {
    "CONTENT_TYPE_APP",
    "CONTENT_TYPE_AUDIO",
    "CONTENT_TYPE_PRODUCT",
    "CONTENT_TYPE_SYNTHETIC_MEDIA",
    "CONTENT_TYPE_TEXT",
    "CONTENT_TYPE_VIDEO",
    "CONTENT_TYPE_IMAGE",
    "CONTENT_TYPE_OTHER",
}
STATEMENT_CATEGORIES = {
    "STATEMENT_CATEGORY_ANIMAL_WELFARE",
    "STATEMENT_CATEGORY_CONSUMER_INFORMATION",
    "STATEMENT_CATEGORY_CYBER_VIOLENCE",
    "STATEMENT_CATEGORY_CYBER_VIOLENCE_AGAINST_WOMEN",
    "STATEMENT_CATEGORY_DATA_PROTECTION_AND_PRIVACY_VIOLATIONS",
    "STATEMENT_CATEGORY_ILLEGAL_OR_HARMFUL_SPEECH",
    "STATEMENT_CATEGORY_INTELLECTUAL_PROPERTY_INFRINGEMENTS",
    "STATEMENT_CATEGORY_NEGATIVE_EFFECTS_ON_CIVIC_DISCOURSE_OR_ELECTIONS",
    "STATEMENT_CATEGORY_NOT_SPECIFIED_NOTICE",
    "STATEMENT_CATEGORY_OTHER_VIOLATION_TC",
    "STATEMENT_CATEGORY_PROTECTION_OF_MINORS",
    "STATEMENT_CATEGORY_RISK_FOR_PUBLIC_SECURITY",
    "STATEMENT_CATEGORY_SCAMS_AND_FRAUD",
    "STATEMENT_CATEGORY_SELF_HARM",
    "STATEMENT_CATEGORY_UNSAFE_AND_PROHIBITED_PRODUCTS",
    "STATEMENT_CATEGORY_VIOLENCE",
}
SOURCE_TYPES = {
    "SOURCE_ARTICLE_16",
    "SOURCE_TRUSTED_FLAGGER",
    "SOURCE_TYPE_OTHER_NOTIFICATION",
    "SOURCE_VOLUNTARY",
}
AUTOMATED_DECISIONS = {
    "AUTOMATED_DECISION_FULLY",
    "AUTOMATED_DECISION_PARTIALLY",
    "AUTOMATED_DECISION_NOT_AUTOMATED",
}
ACCOUNT_TYPES = {"ACCOUNT_TYPE_BUSINESS", "ACCOUNT_TYPE_PRIVATE"}
LANGUAGES = {str(lang.alpha_2).upper() for lang in pycountry.languages if hasattr(lang, "alpha_2")}
_PUID = re.compile(r"^[a-zA-Z0-9-_]+$")
_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def build_statement(
    case: Case,
    decision: Decision,
    *,
    facts: str,
    territorial_scope: list[str],
    language: str | None,
    content_date: date,
    source_identity: str | None,
) -> dict[str, Any]:
    """The statement of reasons as lawline keeps and shows it (DSA Art. 17(3) fields)."""
    category = CATEGORIES[decision.category]
    restriction = RULES[(decision.action, case.target_kind)]
    return {
        "action": decision.action,
        "decision_visibility": list(restriction.visibility) or None,
        "decision_account": restriction.account,
        "ground": "illegal" if category.illegal else "terms",
        "legal_ground": category.legal_ground,
        "terms_ground": f"Terms of Service: {category.label}",
        "facts": facts,
        "category": decision.category,
        "target": case.target_key,
        "automated_detection": False,  # detected by a notice; triage only ranked it
        "automated_decision": False,  # a moderator decided
        "territorial_scope": territorial_scope,
        "language": language,
        "content_date": content_date.isoformat(),
        "source": "trusted_flagger" if case.trusted else "notice",
        "source_identity": source_identity,
        "redress": REDRESS,
    }


def to_transparency_database(decision: Decision) -> dict[str, Any] | None:
    """One line of `export-sor`; None for decisions that restricted nothing (no_action)."""
    statement = decision.statement
    if decision.action == "no_action":
        return None
    category = CATEGORIES[decision.category]
    line: dict[str, Any] = {
        "decision_visibility": statement["decision_visibility"],
        "decision_account": statement["decision_account"],
        "decision_ground": "DECISION_GROUND_ILLEGAL_CONTENT"
        if category.illegal
        else "DECISION_GROUND_INCOMPATIBLE_CONTENT",
        "decision_ground_reference_url": TOS_URL,
        "content_type": ["CONTENT_TYPE_TEXT"],
        "category": category.statement_category,
        "category_specification": list(category.keywords) or None,
        "territorial_scope": statement["territorial_scope"],
        "content_language": (statement.get("language") or "").upper() or None,
        "content_date": statement["content_date"],
        "application_date": decision.decided_at.date().isoformat(),
        "decision_facts": statement["facts"][:5000],
        "source_type": "SOURCE_TRUSTED_FLAGGER"
        if statement["source"] == "trusted_flagger"
        else "SOURCE_ARTICLE_16",
        "automated_detection": "No",
        "automated_decision": "AUTOMATED_DECISION_NOT_AUTOMATED",
        "puid": decision.id,
    }
    if category.illegal:
        line["illegal_content_legal_ground"] = category.legal_ground[:500]
        line["illegal_content_explanation"] = statement["facts"][:2000]
    else:
        line["incompatible_content_ground"] = statement["terms_ground"][:500]
        line["incompatible_content_explanation"] = statement["facts"][:2000]
        line["incompatible_content_illegal"] = "No"
    if statement.get("source_identity") and line["source_type"] != "SOURCE_VOLUNTARY":
        line["source_identity"] = statement["source_identity"][:500]
    return {k: redact_personal_data(v) for k, v in line.items() if v is not None}


def redact_personal_data(value: Any) -> Any:
    """The Transparency Database is public: every phone number (any format) and IP address in
    free text a moderator wrote (decision_facts, the explanations, ...) is replaced, in every
    string of the line, before it leaves lawline."""
    if isinstance(value, str):
        return mask_personal_data(value)
    if isinstance(value, list):
        return [redact_personal_data(v) for v in value]
    return value


def _day_ok(value: Any, low: str, high: str = "2038-01-01") -> bool:
    if not isinstance(value, str) or not _DAY.match(value):
        return False
    try:
        datetime.strptime(value, "%Y-%m-%d")
    except ValueError:
        return False
    return low <= value <= high


def validate_statement(line: dict[str, Any]) -> list[str]:
    """Problems with one statement under the Transparency Database's submission rules."""
    p: list[str] = []

    def allowed(field: str, values: set[str], *, many: bool = False) -> None:
        value = line.get(field)
        if value is None:
            return
        items = value if many else [value]
        if many and not isinstance(value, list):
            p.append(f"{field} must be a list")
            return
        bad = [v for v in items if v not in values]
        if bad:
            p.append(f"{field} has values outside its list: {bad}")

    restrictions = (
        "decision_visibility",
        "decision_monetary",
        "decision_provision",
        "decision_account",
    )
    if not any(line.get(f) for f in restrictions):
        p.append(
            "one of decision_visibility, decision_monetary, decision_provision, "
            "decision_account is required"
        )
    allowed("decision_visibility", DECISION_VISIBILITIES, many=True)
    allowed("decision_monetary", DECISION_MONETARIES)
    allowed("decision_provision", DECISION_PROVISIONS)
    allowed("decision_account", DECISION_ACCOUNTS)
    allowed("account_type", ACCOUNT_TYPES)
    if "DECISION_VISIBILITY_OTHER" in (line.get("decision_visibility") or []):
        if not line.get("decision_visibility_other"):
            p.append("decision_visibility_other is required with DECISION_VISIBILITY_OTHER")
    elif "decision_visibility_other" in line:
        p.append("decision_visibility_other only goes with DECISION_VISIBILITY_OTHER")
    for field in (
        "decision_ground",
        "content_type",
        "category",
        "content_date",
        "application_date",
        "decision_facts",
        "source_type",
        "automated_detection",
        "automated_decision",
        "puid",
    ):
        if line.get(field) in (None, "", []):
            p.append(f"{field} is required")
    allowed("decision_ground", DECISION_GROUNDS)
    allowed("content_type", CONTENT_TYPES, many=True)
    if "CONTENT_TYPE_OTHER" in (line.get("content_type") or []) and not line.get(
        "content_type_other"
    ):
        p.append("content_type_other is required with CONTENT_TYPE_OTHER")
    allowed("category", STATEMENT_CATEGORIES)
    allowed("category_addition", STATEMENT_CATEGORIES, many=True)
    if line.get("category_specification") is not None and not isinstance(
        line["category_specification"], list
    ):
        p.append("category_specification must be a list")
    allowed("territorial_scope", set(EEA_AND_EU), many=True)
    allowed("content_language", LANGUAGES)
    allowed("source_type", SOURCE_TYPES)
    allowed("automated_detection", {"Yes", "No"})
    allowed("automated_decision", AUTOMATED_DECISIONS)
    illegal = line.get("decision_ground") == "DECISION_GROUND_ILLEGAL_CONTENT"
    incompatible = line.get("decision_ground") == "DECISION_GROUND_INCOMPATIBLE_CONTENT"
    for field, needed, limit in (
        ("illegal_content_legal_ground", illegal, 500),
        ("illegal_content_explanation", illegal, 2000),
        ("incompatible_content_ground", incompatible, 500),
        ("incompatible_content_explanation", incompatible, 2000),
    ):
        if needed and not line.get(field):
            p.append(f"{field} is required for this decision_ground")
        if not needed and field in line:
            p.append(f"{field} does not go with this decision_ground")
        if isinstance(line.get(field), str) and len(line[field]) > limit:
            p.append(f"{field} is longer than {limit}")
    if "incompatible_content_illegal" in line:
        if not incompatible:
            p.append("incompatible_content_illegal only goes with incompatible content")
        allowed("incompatible_content_illegal", {"Yes", "No"})
    for field, limit in (
        ("decision_facts", 5000),
        ("source_identity", 500),
        ("puid", 500),
        ("decision_ground_reference_url", 500),
        ("decision_visibility_other", 500),
        ("content_type_other", 500),
    ):
        if isinstance(line.get(field), str) and len(line[field]) > limit:
            p.append(f"{field} is longer than {limit}")
    if line.get("source_type") == "SOURCE_VOLUNTARY" and "source_identity" in line:
        p.append("source_identity is excluded for SOURCE_VOLUNTARY")
    if "content_date" in line and not _day_ok(line["content_date"], "2000-01-01"):
        p.append("content_date must be Y-m-d between 2000-01-01 and 2038-01-01")
    if "application_date" in line and not _day_ok(line["application_date"], "2020-01-01"):
        p.append("application_date must be Y-m-d between 2020-01-01 and 2038-01-01")
    for field in (
        "end_date_account_restriction",
        "end_date_monetary_restriction",
        "end_date_service_restriction",
        "end_date_visibility_restriction",
    ):
        if line.get(field) is not None and not _day_ok(line[field], "0000-00-00"):
            p.append(f"{field} must be Y-m-d not after 2038-01-01")
    puid = line.get("puid")
    if isinstance(puid, str) and not _PUID.match(puid):
        p.append("puid may hold only letters, digits, - and _")
    url = line.get("decision_ground_reference_url")
    if url is not None and not re.match(r"^https?://[^\s/$.?#].[^\s]*$", str(url)):
        p.append("decision_ground_reference_url must be a URL")
    return p
