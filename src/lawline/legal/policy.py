"""Jurisdiction policy as data: one TOML file per legal regime, validated at load.

A regime says which instruments it accepts for which data category and request type, who may
issue them for which class of data (and who must validate them), the minimum offence gravity
and the penalties of its own law, the longest time range, the answer deadlines, the
preservation periods, and, for binding orders, the only grounds on which the platform may
decline. Every rule the checks apply is marked `law` (the instrument's own law) or `platform`
(the platform's own policy) with its source: for a binding order a failed `platform` rule only
warns the reviewers. See docs/policies.md.
"""

from __future__ import annotations

import tomllib
from functools import lru_cache
from pathlib import Path
from typing import Literal, get_args

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from lawline.core.errors import ConfigurationError
from lawline.legal.offenses import OFFENSES
from lawline.legal.terms import (
    DATA_CATEGORIES,
    DataCategory,
    InstrumentKind,
    IssuerRole,
    RequestType,
)

CATEGORIES = DATA_CATEGORIES
# Every rule a check applies; each regime marks each one `law` or `platform` with its source.
RULES = (
    "instrument",
    "issuer",
    "dates",
    "document",
    "offense_within_tos",
    "offense_gravity",
    "categories_held",
    "time_range",
    "max_range_days",
    "range_in_future",
    "max_targets",
    "targets_found",
    "violation_precondition",
    "duplicate",
    "preservation_link",
    "emergency_reason",
)
POLICY_DIR = Path(__file__).parent / "policies"

Role = IssuerRole
Category = DataCategory
# How the law classes the data of a request: subscriber data; IP data asked for the sole purpose
# of identifying the user (Reg. 2023/1543 Art. 3(10)); or IP data as traffic data.
DataClass = Literal["subscriber", "identification", "traffic"]
DATA_CLASSES: tuple[str, ...] = get_args(DataClass)


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Competence(_Strict):
    """Who may issue the instrument for one class of data."""

    issuers: list[Role]
    validated_issuers: list[Role] = Field(
        default_factory=list, description="may issue if one of `validators` validates"
    )
    validators: list[Role] = Field(default_factory=list)
    emergency_without_validation: bool = Field(
        default=False,
        description="an emergency order by a validated issuer may go ahead before validation, "
        "which must follow within `validation_hours` (Reg. 2023/1543 Art. 4(5))",
    )
    validation_hours: int | None = None
    source: str

    @model_validator(mode="after")
    def _consistent(self) -> Competence:
        if self.validated_issuers and not self.validators:
            raise ValueError("validated_issuers needs validators")
        if self.emergency_without_validation and not self.validation_hours:
            raise ValueError("emergency_without_validation needs validation_hours")
        return self


class Gravity(_Strict):
    """The least maximum penalty an offence must carry for one class of data."""

    min_years: int
    listed_offenses: list[str] = Field(
        default_factory=list, description="offences admitted whatever their penalty"
    )
    requires_online: bool = Field(
        default=False, description="only for offences committed through an electronic network"
    )
    source: str

    @model_validator(mode="after")
    def _known(self) -> Gravity:
        unknown = set(self.listed_offenses) - set(OFFENSES)
        if unknown:
            raise ValueError(f"listed_offenses names unknown offences {sorted(unknown)}")
        return self


class InstrumentRule(_Strict):
    kind: InstrumentKind
    request_types: list[RequestType]
    categories: list[Category]
    competence: dict[DataClass, Competence]
    gravity: dict[DataClass, Gravity] = Field(default_factory=dict)
    binding: bool = False
    document_required: bool = True
    max_range_days: int = 366
    preservation_days: int | None = None
    extension_days: int | None = None
    max_extensions: int = 0
    source: str

    @model_validator(mode="after")
    def _consistent(self) -> InstrumentRule:
        if "preservation" in self.request_types and self.preservation_days is None:
            raise ValueError("a preservation instrument needs preservation_days")
        if "subscriber.phone" in self.categories and "subscriber" not in self.competence:
            raise ValueError("subscriber.phone needs a competence for `subscriber` data")
        if "traffic.ip" in self.categories and "traffic" not in self.competence:
            raise ValueError("traffic.ip needs a competence for `traffic` data")
        return self

    def competence_for(self, data_class: str) -> Competence:
        """IP data asked only to identify the user falls back to the traffic-data rule where
        the law draws no such line."""
        if data_class == "identification" and "identification" not in self.competence:
            data_class = "traffic"
        return self.competence[data_class]  # type: ignore[index]


class Ground(_Strict):
    code: str
    text: str
    source: str


class RuleMark(_Strict):
    basis: Literal["law", "platform"]
    source: str


class Penalty(_Strict):
    years: int
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
    penalties_from: Literal["regime", "issuing_state"] = Field(
        default="regime",
        description="`issuing_state`: the offence's penalty is the issuing state's (its national "
        "regime's table, else the maximum the order states)",
    )
    rules: dict[str, RuleMark]
    refusal_grounds: list[Ground] = Field(default_factory=list)
    objections: list[Ground] = Field(
        default_factory=list,
        description="procedures that are not refusals (e.g. a reasoned objection)",
    )
    enforcing_grounds: list[Ground] = Field(
        default_factory=list,
        description="grounds on which a notified enforcing authority may refuse (stops delivery)",
    )
    offenses: dict[str, Penalty] = Field(
        default_factory=dict, description="offence id -> maximum penalty under this law"
    )
    instruments: list[InstrumentRule]

    @model_validator(mode="after")
    def _complete(self) -> Regime:
        if any(i.binding for i in self.instruments) and not self.refusal_grounds:
            raise ValueError("a regime with binding instruments must list its refusal grounds")
        kinds = [i.kind for i in self.instruments]
        if len(kinds) != len(set(kinds)):
            raise ValueError("each instrument kind appears once per regime")
        missing = set(RULES) - set(self.rules)
        if missing:
            raise ValueError(f"mark every rule law or platform; missing {sorted(missing)}")
        unknown = set(self.rules) - set(RULES)
        if unknown:
            raise ValueError(f"unknown rules {sorted(unknown)}")
        unknown_offenses = set(self.offenses) - set(OFFENSES)
        if unknown_offenses:
            raise ValueError(f"offenses names unknown offences {sorted(unknown_offenses)}")
        thresholds = any(i.gravity for i in self.instruments)
        if thresholds and self.penalties_from == "regime":
            absent = {o for o, off in OFFENSES.items() if off.tos_category} - set(self.offenses)
            if absent:
                raise ValueError(f"gravity thresholds need a penalty for {sorted(absent)}")
        return self

    def instrument(self, kind: str) -> InstrumentRule | None:
        return next((i for i in self.instruments if i.kind == kind), None)

    def is_platform_rule(self, rule: str) -> bool:
        return self.rules[rule].basis == "platform"


class Policy:
    """All regimes; picks the one that governs a request."""

    def __init__(self, regimes: list[Regime]) -> None:
        self.regimes = {r.id: r for r in regimes}
        if "default" not in self.regimes:
            raise ConfigurationError("the policy set needs a `default` regime")

    def national(self, country: str) -> Regime | None:
        found = [
            r
            for r in self.regimes.values()
            if r.id not in ("default", "eu-e-evidence") and country in r.countries
        ]
        return found[0] if found else None

    def regime_for(self, country: str, instrument_kind: str) -> Regime:
        """The regime of the instrument's legal basis: an e-Evidence order is governed by the
        Regulation wherever it comes from in the EU; anything else by the country's own law."""
        eu = self.regimes.get("eu-e-evidence")
        if eu is not None and country in eu.countries and eu.instrument(instrument_kind):
            return eu
        return self.national(country) or self.regimes["default"]

    def penalty_years(
        self, regime: Regime, country: str, offense: str, declared: int | None
    ) -> int | None:
        """The offence's maximum penalty under the law that sets the threshold, or None."""
        table = regime
        if regime.penalties_from == "issuing_state":
            national = self.national(country)
            if national is None or offense not in national.offenses:
                return declared
            table = national
        penalty = table.offenses.get(offense)
        return penalty.years if penalty else None


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
