"""Every request schema, fuzzed: whatever a client sends either fails validation (a 422 with a
reason code) or comes out storable: no control characters, aware UTC datetimes within
lawline's years, dates in those years, integers that fit a column, identifiers free of
personal data. The schemas are found from the app's routes, so a new endpoint is covered."""

from __future__ import annotations

import types
import typing
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import BaseModel, ValidationError
from pydantic.fields import FieldInfo

from lawline.api.app import create_app
from lawline.core.fields import EARLIEST_YEAR, INT32_MAX, LATEST_YEAR, InputModel
from lawline.core.settings import Settings
from lawline.runtime import Runtime


def _request_models() -> list[type[BaseModel]]:
    app = create_app(Runtime(Settings(data_dir=Path("unused"))))
    found: dict[str, type[BaseModel]] = {}

    def walk(annotation: Any) -> None:
        is_model = isinstance(annotation, type) and issubclass(annotation, BaseModel)
        if is_model and annotation.__name__ not in found:
            found[annotation.__name__] = annotation
            for field in annotation.model_fields.values():
                walk(field.annotation)
        for arg in typing.get_args(annotation):
            walk(arg)

    def routes(items: list[Any]) -> Any:
        for route in items:
            included = getattr(route, "original_router", None)  # FastAPI's included routers
            yield from routes(included.routes) if included is not None else [route]

    for route in routes(app.routes):
        dependant = getattr(route, "dependant", None)
        for param in dependant.body_params if dependant else []:
            walk(param.field_info.annotation)
    return [found[name] for name in sorted(found)]


REQUEST_MODELS = _request_models()

ODD_TEXT = st.one_of(
    st.text(max_size=30),
    st.sampled_from(
        [
            "ZAAK\x0042",
            "\ud800",
            "1²",
            "1" * 40,
            "10.0.0.1",
            "2001:db8::1",
            "+31612345678",
            "31612345678",
            "tg:31612345678",
            "06 12345678",
            "user-7f3a",
            "req_01jd2m3v4n5p6q7r8s9t0vwxyz",
            "x" * 128,
        ]
    ),
)
_OFFSETS = [None, UTC, timezone(timedelta(hours=14)), timezone(timedelta(hours=-14))]
ODD_DATETIME = st.builds(
    lambda moment, offset: moment.replace(tzinfo=offset).isoformat(),
    st.one_of(
        st.datetimes(),
        st.sampled_from([datetime.min, datetime.max, datetime(2026, 6, 1)]),
    ),
    st.sampled_from(_OFFSETS),
)
ODD_DATE = st.one_of(st.dates().map(date.isoformat), st.sampled_from(["0001-01-01", "9999-12-31"]))
ODD_INT = st.one_of(st.integers(), st.sampled_from([2**31, 2**63, -(2**63), 10**20]))


def _values_for(annotation: Any, depth: int = 0) -> st.SearchStrategy[Any]:
    origin = typing.get_origin(annotation)
    args = typing.get_args(annotation)
    if origin is typing.Annotated:
        return _values_for(args[0], depth)
    if origin in (typing.Union, types.UnionType):
        return st.one_of(*(_values_for(a, depth) for a in args))
    if origin is typing.Literal:
        return st.one_of(st.sampled_from(args), ODD_TEXT)
    if origin in (list, tuple):
        return st.lists(_values_for(args[0] if args else str, depth), max_size=3)
    if origin is dict:
        return st.dictionaries(ODD_TEXT, ODD_TEXT, max_size=2)
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return _documents(annotation, depth + 1) if depth < 3 else st.just({})
    by_type: dict[Any, st.SearchStrategy[Any]] = {
        str: ODD_TEXT,
        datetime: ODD_DATETIME,
        date: ODD_DATE,
        int: ODD_INT,
        bool: st.booleans(),
        type(None): st.none(),
    }
    return by_type.get(annotation, st.one_of(ODD_TEXT, ODD_INT, st.none()))


def _documents(model: type[BaseModel], depth: int = 0) -> st.SearchStrategy[dict[str, Any]]:
    fields: dict[str, FieldInfo] = model.model_fields
    return st.fixed_dictionaries(
        {},
        optional={name: _values_for(f.annotation, depth) for name, f in fields.items()},
    )


def _assert_storable(value: Any, where: str) -> None:
    if isinstance(value, str):
        assert "\x00" not in value, where
        value.encode("utf-8")  # no lone surrogates
    elif isinstance(value, datetime):
        assert value.utcoffset() == timedelta(0), where
        assert EARLIEST_YEAR <= value.year < LATEST_YEAR, where
    elif isinstance(value, date):
        assert EARLIEST_YEAR <= value.year < LATEST_YEAR, where
    elif isinstance(value, bool):
        pass
    elif isinstance(value, int):
        assert -INT32_MAX <= value <= INT32_MAX, where
    elif isinstance(value, list):
        for item in value:
            _assert_storable(item, where)
    elif isinstance(value, dict):
        for key, item in value.items():
            _assert_storable(key, where)
            _assert_storable(item, f"{where}.{key}")


def test_every_request_schema_is_found_and_is_an_input_model() -> None:
    names = {m.__name__ for m in REQUEST_MODELS}
    assert {"RequestIn", "RangeIn", "InstrumentIn", "ReportIn", "DecisionIn", "LoginIn"} <= names
    assert all(issubclass(m, InputModel) for m in REQUEST_MODELS), names


@pytest.mark.parametrize("model", REQUEST_MODELS, ids=lambda m: m.__name__)
@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_validated_input_is_storable_or_refused(
    model: type[BaseModel], data: st.DataObject
) -> None:
    document = data.draw(_documents(model))
    try:
        parsed = model.model_validate(document)
    except ValidationError as exc:
        for error in exc.errors():
            assert error["type"], error  # a named rule, reported as the field's problem
        return
    for name in type(parsed).model_fields:
        value = getattr(parsed, name)
        _assert_storable(value.model_dump() if isinstance(value, BaseModel) else value, name)


@pytest.mark.parametrize(
    ("document", "problem"),
    [
        ({"start": "2026-06-01T00:00:00", "end": "2026-09-01T00:00:00Z"}, "datetime_naive"),
        ({"start": "0001-01-01T00:00:00+14:00", "end": "2026-09-01T00:00:00Z"}, None),
        ({"start": "2026-06-01T00:00:00Z", "end": "9999-12-31T23:59:59-14:00"}, None),
    ],
)
def test_a_range_refuses_naive_and_unconvertible_times(
    document: dict[str, str], problem: str | None
) -> None:
    from lawline.legal.schemas import RangeIn

    with pytest.raises(ValidationError) as caught:
        RangeIn.model_validate(document)
    types_ = {e["type"] for e in caught.value.errors()}
    assert types_ == {problem or "datetime_out_of_range"}
