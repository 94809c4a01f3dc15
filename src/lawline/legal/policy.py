"""Jurisdiction policy as data: one TOML file per legal regime, validated at load.

A regime says which instruments it accepts for which data category and request type, who may
issue them (and who must validate them), the minimum offense gravity, the longest time range,
the answer deadlines, the preservation periods, and, for binding orders, the only grounds on
which the platform may refuse. Every rule carries its legal source. See docs/policies.md.
"""

from __future__ import annotations

import tomllib
from functools import lru_cache
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from lawline.core.errors import ConfigurationError
from lawline.legal.terms import (
    DATA_CATEGORIES,
    DataCategory,
    InstrumentKind,
    IssuerRole,
    RequestType,
    ValidatorRole,
)

CATEGORIES = DATA_CATEGORIES
POLICY_DIR = Path(__file__).parent / "policies"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class InstrumentRule(_Strict):
    kind: InstrumentKind
    request_types: list[RequestType]
    categories: list[DataCategory]
    issuers: list[IssuerRole]
    validated_issuers: list[IssuerRole] = Field(
        default_factory=list, description="may issue if a validator listed below validates"
    )
    validators: list[ValidatorRole] = Field(default_factory=list)
    binding: bool = False
    document_required: bool = True
    min_offense_years: dict[str, int] = Field(
        default_factory=dict, description="category -> minimum maximum-penalty in years"
    )
    max_range_days: int = 366
    preservation_days: int | None = None
    extension_days: int | None = None
    max_extensions: int = 0
    source: str

    @model_validator(mode="after")
    def _consistent(self) -> InstrumentRule:
        if self.validated_issuers and not self.validators:
            raise ValueError("validated_issuers needs validators")
        if "preservation" in self.request_types and self.preservation_days is None:
            raise ValueError("a preservation instrument needs preservation_days")
        unknown = set(self.min_offense_years) - set(CATEGORIES)
        if unknown:
            raise ValueError(f"min_offense_years names unknown categories {sorted(unknown)}")
        return self


class RefusalGround(_Strict):
    code: str
    text: str
    source: str


class Regime(_Strict):
    id: str
    name: str
    countries: list[str] = Field(description="issuing countries this regime applies to; [] = any")
    source: str
    deadline_hours: int
    emergency_deadline_hours: int
    max_targets: int = 10
    violation_precondition: bool = True
    refusal_grounds: list[RefusalGround] = Field(default_factory=list)
    instruments: list[InstrumentRule]

    @model_validator(mode="after")
    def _binding_needs_grounds(self) -> Regime:
        if any(i.binding for i in self.instruments) and not self.refusal_grounds:
            raise ValueError("a regime with binding instruments must list its refusal grounds")
        kinds = [i.kind for i in self.instruments]
        if len(kinds) != len(set(kinds)):
            raise ValueError("each instrument kind appears once per regime")
        return self

    def instrument(self, kind: str) -> InstrumentRule | None:
        return next((i for i in self.instruments if i.kind == kind), None)


class Policy:
    """All regimes; picks the one that governs a request."""

    def __init__(self, regimes: list[Regime]) -> None:
        self.regimes = {r.id: r for r in regimes}
        if "default" not in self.regimes:
            raise ConfigurationError("the policy set needs a `default` regime")

    def regime_for(self, country: str, instrument_kind: str) -> Regime:
        """The regime of the instrument's legal basis: an e-Evidence order is governed by the
        Regulation wherever it comes from in the EU; anything else by the country's own law."""
        eu = self.regimes.get("eu-e-evidence")
        if eu is not None and country in eu.countries and eu.instrument(instrument_kind):
            return eu
        national = [
            r
            for r in self.regimes.values()
            if r.id not in ("default", "eu-e-evidence") and country in r.countries
        ]
        return national[0] if national else self.regimes["default"]


def load_policy(directory: Path = POLICY_DIR) -> Policy:
    regimes = []
    for path in sorted(directory.glob("*.toml")):
        try:
            regimes.append(Regime.model_validate(tomllib.loads(path.read_text())))
        except (tomllib.TOMLDecodeError, ValidationError) as exc:
            raise ConfigurationError(f"policy file {path.name} is invalid: {exc}") from None
    return Policy(regimes)


@lru_cache(maxsize=1)
def default_policy() -> Policy:
    return load_policy()
