"""Each closed list has one source; every other place it shows up must agree with it.

The sources: `moderation.categories.CATEGORIES` (report, decision and violation categories),
`legal.terms` (request types, instrument kinds, data categories), `authorities.roles` (issuer
and validator roles), `legal.offenses.OFFENSES`. Code derives its copies from them; this test
fails when a copy is typed out again in the source, when a document lists a different set, or
when a data file (triage corpus, policy files) names something the list does not have.
"""

from __future__ import annotations

import ast
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import get_args

import pytest

from lawline.authorities.roles import ISSUER_ROLES
from lawline.authorities.service import KINDS
from lawline.legal import terms
from lawline.legal.offenses import OFFENSES
from lawline.legal.policy import Competence, InstrumentRule, default_policy
from lawline.legal.schemas import InstrumentIn, RequestIn
from lawline.moderation import triage, violations
from lawline.moderation.categories import CATEGORIES
from lawline.moderation.schemas import ReportIn
from lawline.moderation.statements import STATEMENT_CATEGORIES

ROOT = Path(__file__).parents[1]
SRC = ROOT / "src" / "lawline"

# name -> the lists that may legitimately appear together under that name
FAMILIES: dict[str, tuple[tuple[str, ...], ...]] = {
    "moderation categories": (tuple(CATEGORIES), triage.LABELS),
    "offenses": (tuple(OFFENSES),),
    "instrument kinds": (terms.INSTRUMENT_KINDS,),
    "issuer roles": (ISSUER_ROLES,),
    "request types": (terms.REQUEST_TYPES,),
    "data categories": (terms.DATA_CATEGORIES,),
}
# A request asking for both data categories looks like the list itself, so code is not scanned
# for that one (the schemas test below pins where it is used as a list of choices).
CODE_FAMILIES = {k: v for k, v in FAMILIES.items() if k != "data categories"}
# where each list is written, as a `Literal` or literal collection
SOURCES = {SRC / "legal" / "terms.py", SRC / "authorities" / "roles.py"}
# documents generated from the source lists' own data, not written by hand
GENERATED_DOCS = {ROOT / "docs" / "policies.md"}


def _near_copy(words: set[str], listed: tuple[str, ...]) -> bool:
    """All of a list, or all but one: a copy, which must then be exact. Fewer members is a
    legitimate subset (the drugs and weapons themes of the synthetic platform, say)."""
    return len(words & set(listed)) >= max(min(3, len(listed)), len(listed) - 1)


def _divergences(collections: Iterator[tuple[str, list[str]]]) -> list[str]:
    found = []
    for where, items in collections:
        words = set(items)
        for family, lists in FAMILIES.items():
            if any(_near_copy(words, listed) for listed in lists) and not any(
                words == set(listed) for listed in lists
            ):
                found.append(f"{where}: {sorted(words)} differs from the {family}")
    return found


def _literal_collections(source: str, name: str) -> Iterator[tuple[str, list[str]]]:
    """Every flat collection of string constants (tuple, list, set, Literal[...]) in a module."""
    for node in ast.walk(ast.parse(source)):
        elements: list[ast.expr] | None = None
        if isinstance(node, ast.Tuple | ast.List | ast.Set):
            elements = node.elts
        elif isinstance(node, ast.Subscript) and isinstance(node.slice, ast.Tuple):
            elements = node.slice.elts
        if elements and all(
            isinstance(e, ast.Constant) and isinstance(e.value, str) for e in elements
        ):
            yield f"{name}:{node.lineno}", [e.value for e in elements]  # type: ignore[attr-defined]


def _typed_out_copies(source: str, name: str) -> list[str]:
    """Collections in code that repeat a closed list (or all but one of it) instead of deriving
    it; a copy that happens to agree today is still a copy."""
    return [
        f"{where}: {sorted(items)} repeats the {family}; derive it from the source"
        for where, items in _literal_collections(source, name)
        for family, lists in CODE_FAMILIES.items()
        if any(_near_copy(set(items), listed) for listed in lists)
    ]


def test_code_derives_closed_lists_instead_of_repeating_them() -> None:
    problems = []
    for path in sorted(SRC.rglob("*.py")):
        if path not in SOURCES and "migrations" not in path.parts:
            problems += _typed_out_copies(path.read_text(), str(path.relative_to(ROOT)))
    assert problems == []


def test_the_copy_detector_catches_a_retyped_list() -> None:
    retyped = 'KINDS = ("court_order", "subpoena", "search_warrant", "epoc", "epoc_pr", "mlat",'
    retyped += ' "emergency_declaration")\nTHEMES = ("drugs", "weapons", "extremism")\n'
    assert [p.split(":")[1] for p in _typed_out_copies(retyped, "m")] == ["1"]
    assert _divergences(_literal_collections(retyped, "m"))  # one kind is missing


_BACKTICKED_LIST = re.compile(r"`[^`\n]+`(?:(?:,\s*(?:and\s+|or\s+)?|\s+(?:and|or)\s+)`[^`\n]+`)+")


def _documented_lists(path: Path) -> Iterator[tuple[str, list[str]]]:
    text = re.sub(r"\s+", " ", path.read_text())
    for match in _BACKTICKED_LIST.finditer(text):
        yield str(path.relative_to(ROOT)), re.findall(r"`([^`]+)`", match.group())


def test_documents_list_the_same_members_as_the_source() -> None:
    docs = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
    problems = []
    for path in docs:
        if path not in GENERATED_DOCS:
            problems += _divergences(_documented_lists(path))
    assert problems == []


def test_moderation_categories_have_one_source() -> None:
    assert tuple(CATEGORIES) == violations.CATEGORIES
    assert set(triage.LABELS) == (set(CATEGORIES) - {"other"}) | {"none"}
    for name in ("train", "heldout"):
        lines = (triage.DATA / f"{name}.jsonl").read_text().splitlines()
        assert {json.loads(line)["label"] for line in lines} == set(triage.LABELS), name
    assert {c.statement_category for c in CATEGORIES.values()} <= STATEMENT_CATEGORIES
    assert ReportIn.model_fields["category"].description == ", ".join(CATEGORIES)


def test_the_offense_table_names_moderation_categories() -> None:
    tos = {o.tos_category for o in OFFENSES.values()}
    assert tos - {None} <= set(CATEGORIES)
    assert None in tos  # the offense the platform's rules do not cover


@pytest.mark.parametrize(
    ("annotation", "source"),
    [
        (RequestIn.model_fields["type"].annotation, terms.REQUEST_TYPES),
        (InstrumentIn.model_fields["issuer_role"].annotation, ISSUER_ROLES),
        (InstrumentRule.model_fields["kind"].annotation, terms.INSTRUMENT_KINDS),
        (InstrumentRule.model_fields["categories"].annotation, terms.DATA_CATEGORIES),
        (Competence.model_fields["issuers"].annotation, ISSUER_ROLES),
        (Competence.model_fields["validators"].annotation, ISSUER_ROLES),
        (InstrumentRule.model_fields["request_types"].annotation, terms.REQUEST_TYPES),
    ],
)
def test_schemas_take_their_choices_from_the_source(annotation: object, source: object) -> None:
    def members(tp: object) -> set[str]:
        args = get_args(tp)
        if all(isinstance(a, str) for a in args):
            return set(args)
        return set().union(*(members(a) for a in args if a is not type(None)))

    assert members(annotation) == set(source)  # type: ignore[arg-type]


def test_policy_files_use_every_instrument_kind_role_and_request_type() -> None:
    """A kind, role or type no regime mentions has drifted out of the policies."""
    rules = [i for r in default_policy().regimes.values() for i in r.instruments]
    assert {i.kind for i in rules} == set(terms.INSTRUMENT_KINDS)
    assert {t for i in rules for t in i.request_types} == set(terms.REQUEST_TYPES)
    roles = {
        r
        for i in rules
        for c in i.competence.values()
        for r in (*c.issuers, *c.validated_issuers, *c.validators)
    }
    assert roles <= set(ISSUER_ROLES)
    assert KINDS == ISSUER_ROLES  # an authority's registered kind is its issuer role
    assert InstrumentIn.model_fields["kind"].description == ", ".join(terms.INSTRUMENT_KINDS)
