"""The schema cannot drift from the code: its code lists are the vocabulary's, its fields the dataclasses'."""

from __future__ import annotations

import dataclasses
import inspect
from typing import Any

import pytest
from jsonschema import Draft202012Validator

from netimpact.bundle import bundle_schema
from netimpact.domain import commissioning, ecosystem, vocabulary

SCHEMA = bundle_schema()
DEFINITIONS: dict[str, Any] = SCHEMA["$defs"]

CODE_LISTS = [
    member for _, member in inspect.getmembers(vocabulary, inspect.isclass)
    if issubclass(member, vocabulary.LabelledEnum) and member is not vocabulary.LabelledEnum
]
RECORDS = {
    name: getattr(module, name)
    for module in (ecosystem, commissioning)
    for name, member in inspect.getmembers(module, dataclasses.is_dataclass)
    if member.__module__ == module.__name__
}


def resolved(schema: dict[str, Any]) -> dict[str, Any]:
    reference = schema.get("$ref")
    if reference is None:
        return schema
    target = dict(DEFINITIONS[reference.removeprefix("#/$defs/")])
    target.update({k: v for k, v in schema.items() if k != "$ref"})
    return target


def is_numeric(schema: dict[str, Any]) -> bool:
    kinds = schema.get("type", [])
    kinds = kinds if isinstance(kinds, list) else [kinds]
    return bool({"number", "integer"} & set(kinds))


def test_the_schema_is_valid_json_schema_2020_12():
    assert SCHEMA["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    Draft202012Validator.check_schema(SCHEMA)


def test_every_code_list_in_the_vocabulary_has_a_definition():
    assert {c.__name__ for c in CODE_LISTS} <= set(DEFINITIONS)


@pytest.mark.parametrize("code_list", CODE_LISTS, ids=lambda c: c.__name__)
def test_code_lists_match_the_vocabulary_exactly(code_list):
    assert DEFINITIONS[code_list.__name__]["enum"] == [member.value for member in code_list]


def test_every_domain_record_has_a_definition():
    assert set(RECORDS) <= set(DEFINITIONS), set(RECORDS) - set(DEFINITIONS)


@pytest.mark.parametrize("name", sorted(RECORDS))
def test_definitions_carry_exactly_the_dataclass_fields(name):
    fields = {f.name: f for f in dataclasses.fields(RECORDS[name])}
    definition = DEFINITIONS[name]
    assert set(definition["properties"]) == set(fields)
    assert definition["additionalProperties"] is False
    no_default = {
        n for n, f in fields.items()
        if f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING
    }
    assert no_default <= set(definition["required"]), "a field without a default must be required"


def all_properties() -> list[tuple[str, dict[str, Any]]]:
    found = []
    for name, definition in DEFINITIONS.items():
        for prop, schema in definition.get("properties", {}).items():
            found.append((f"{name}.{prop}", schema))
    return found


@pytest.mark.parametrize(("where", "schema"), all_properties(), ids=[w for w, _ in all_properties()])
def test_every_field_is_described_and_every_number_has_a_unit(where, schema):
    target = resolved(schema)
    assert target.get("description"), f"{where} has no description"
    if is_numeric(target):
        assert target.get("x-unit"), f"{where} is a number without a unit"
    values = target.get("additionalProperties")
    if isinstance(values, dict):
        assert resolved(values).get("x-unit"), f"the values of {where} have no unit"


def test_the_published_schema_and_the_inlined_validator_agree(small_bundle):
    """The reader validates with $refs inlined for speed; the published schema must judge the same."""
    from netimpact.bundle.validation import schema_issues

    published = Draft202012Validator(SCHEMA, format_checker=Draft202012Validator.FORMAT_CHECKER)
    assert list(published.iter_errors(small_bundle)) == []
    assert schema_issues(small_bundle) == []
    small_bundle["ecosystem"]["funding"][0]["amount_per_year"] = -1
    small_bundle["ecosystem"]["wards"][0]["code"] = "nowhere"
    small_bundle["bids"][0]["commitments"][0]["partner"] = 5
    small_bundle["exercise"]["deadline"] = "2026-02-30"
    del small_bundle["ecosystem"]["cohorts"][0]["needs"]
    published_paths = {e.json_path for e in published.iter_errors(small_bundle)}
    inlined_paths = {i.path for i in schema_issues(small_bundle)}
    assert published_paths - {"$.ecosystem.cohorts[0]"} == inlined_paths - {"$.ecosystem.cohorts[0].needs"}
    assert len(published_paths) == len(inlined_paths) == 5
