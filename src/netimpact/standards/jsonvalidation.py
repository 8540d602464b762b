"""JSON Schema validation for the importers: offline, with formats checked, fast on large files.

jsonschema is exact but slow on 100,000 grants (about 0.7 ms a grant). Two changes keep its answers and
cut the cost:
- `enum` is checked with a set when the value is a string (the currency and country code lists have
  about 300 codes, which jsonschema compares one by one);
- `MemoisedItems`: the objects inside a record's arrays (a funder, a recipient, a location) repeat across
  thousands of records, so each distinct object is validated once against its definition and the errors
  are reused, re-rooted at the object's own path. Validation of `properties` and `items` is compositional
  (no `unevaluatedProperties` in these schemas), so the errors are the ones a whole-record pass gives.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from jsonschema import Draft202012Validator, FormatChecker, ValidationError, validators
from jsonschema._keywords import enum as _plain_enum  # the stock keywords, for the general case
from jsonschema._keywords import oneOf as _plain_one_of
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

_ENUM_SETS: dict[int, tuple[Sequence[Any], frozenset[str]]] = {}


def _enum(validator: Any, enums: Sequence[Any], instance: Any, schema: Any) -> Iterator[ValidationError]:
    if type(instance) is str:
        known = _ENUM_SETS.get(id(enums))
        if known is None or known[0] is not enums:
            known = _ENUM_SETS[id(enums)] = (enums, frozenset(e for e in enums if type(e) is str))
        if instance in known[1]:
            return
    yield from _plain_enum(validator, enums, instance, schema)


FORMATS = FormatChecker()


def _one_of(validator: Any, branches: Any, instance: Any, schema: Any) -> Iterator[ValidationError]:
    """360Giving writes every date as oneOf [format date-time, a YYYY-MM-DD pattern]. For a string, count
    the branches that hold directly (exactly as jsonschema would); only a failure goes the stock way,
    which builds the error. Anything else is the stock keyword."""
    if type(instance) is str and _simple_string_branches(branches):
        held = 0
        for branch in branches:
            if "format" in branch:
                held += validator.format_checker is None or validator.format_checker.conforms(
                    instance, branch["format"]
                )
            else:
                held += re.search(branch["pattern"], instance) is not None
        if held == 1:
            return
    yield from _plain_one_of(validator, branches, instance, schema)


def _simple_string_branches(branches: Any) -> bool:
    return isinstance(branches, list) and all(
        isinstance(b, dict) and len(b) == 1 and ("format" in b or "pattern" in b) for b in branches
    )


FastDraft202012 = validators.extend(Draft202012Validator, {"enum": _enum, "oneOf": _one_of})


@dataclass(frozen=True, slots=True)
class SchemaError:
    path: tuple[str | int, ...]  # JSON path inside the validated instance
    message: str  # what was expected, in words

    def field(self) -> str:
        named = [p for p in self.path if isinstance(p, str)]
        return named[-1] if named else ""


def registry_for(*schemas: dict[str, Any], aliases: dict[str, dict[str, Any]] | None = None) -> Registry:
    """A registry holding each schema under its `$id` (2020-12 forced) and any extra URIs in `aliases`."""
    resources = []
    for schema in schemas:
        resources.append((schema["$id"], Resource.from_contents(schema, default_specification=DRAFT202012)))
    for uri, schema in (aliases or {}).items():
        resources.append((uri, DRAFT202012.create_resource(schema)))
    return Registry().with_resources(resources)


def expected(error: ValidationError) -> str:
    """What the schema expected, in words a publisher can act on."""
    keyword = error.validator
    instance = error.instance
    schema = error.schema if isinstance(error.schema, dict) else {}
    if (
        keyword in ("oneOf", "anyOf")
        and isinstance(instance, dict)
        and _required_choice(error.validator_value)
    ):
        branches = [b["required"] for b in error.validator_value]
        missing = [[name for name in branch if name not in instance] for branch in branches]
        least = min(missing, key=len)
        if not least:
            either = sorted(set().union(*branches) - set.intersection(*(set(b) for b in branches)))
            return f"only one of {' or '.join(either)}, not both"
        alternatives = sorted(
            {name for branch in branches for name in branch} - set.intersection(*(set(b) for b in branches))
        )
        return f"the required field(s) {', '.join(least)}" + (
            f" (one of {' or '.join(alternatives)} is needed)" if set(alternatives) & set(least) else ""
        )
    if keyword in ("oneOf", "anyOf") and _is_date_choice(schema):
        return f"a date written YYYY-MM-DD or a full date-time (found {_short(instance)})"
    if keyword == "type":
        wanted = error.validator_value
        wanted = " or ".join(wanted) if isinstance(wanted, list) else wanted
        return f"a value of type {wanted} (found {_short(instance)})"
    if keyword == "enum":
        codes = list(error.validator_value)
        listed = ", ".join(map(str, codes[:8])) + (f" ... ({len(codes)} codes)" if len(codes) > 8 else "")
        return f"one of the codes {listed} (found {_short(instance)})"
    if keyword == "format":
        return f"a valid {error.validator_value} (found {_short(instance)})"
    if keyword == "required":
        return "a value: the field is required"
    if keyword == "minItems":
        return f"at least {error.validator_value} item(s)"
    if keyword == "pattern":
        return f"text matching {error.validator_value} (found {_short(instance)})"
    if keyword == "minimum":
        return f"a number at least {error.validator_value} (found {_short(instance)})"
    return error.message


def _required_choice(branches: Any) -> bool:
    return (
        isinstance(branches, list)
        and bool(branches)
        and all(isinstance(b, dict) and set(b) == {"required"} for b in branches)
    )


def _is_date_choice(schema: dict[str, Any]) -> bool:
    branches = schema.get("oneOf") or schema.get("anyOf") or []
    return any(isinstance(b, dict) and b.get("format") in ("date-time", "date") for b in branches)


def _short(value: Any) -> str:
    text = json.dumps(value, ensure_ascii=False, default=str)
    return text if len(text) <= 60 else text[:57] + "..."


_ANNOTATIONS = frozenset(
    {
        "title",
        "description",
        "codelist",
        "openCodelist",
        "rollUp",
        "$comment",
        "examples",
        "deprecated",
        "weight",
        "propertyOrder",
    }
)
_KEY_SET_KEYWORDS = frozenset({"type", "required", "oneOf", "anyOf", "$id", "$schema", "$defs"})
_JSON_TYPES: dict[str, Callable[[Any], bool]] = {
    "string": lambda v: isinstance(v, str),
    "number": lambda v: isinstance(v, int | float) and not isinstance(v, bool),
    "integer": lambda v: (
        (isinstance(v, int) and not isinstance(v, bool)) or (isinstance(v, float) and v.is_integer())
    ),
    "boolean": lambda v: isinstance(v, bool),
    "null": lambda v: v is None,
    "array": lambda v: isinstance(v, list),
    "object": lambda v: isinstance(v, dict),
}


class MemoisedItems:
    """Validate records against `schema` property by property, each distinct value checked once.

    A record's errors are the union of (a) the root's own keywords, which here depend only on the set of
    keys (`type: object`, `oneOf` of `required` lists) and are memoised on it; (b) each property's value
    against its property schema: a bare `type` is checked inline, anything else is memoised on the value;
    (c) for arrays of a `$defs` type, the array's own keywords (type, minItems) and each item, memoised on
    the item. Where the schema has any other shape, the whole record is validated the plain way.
    """

    def __init__(
        self,
        schema: dict[str, Any],
        registry: Registry,
        explain: Callable[[ValidationError], str] = expected,
    ) -> None:
        self.explain = explain
        self.full = FastDraft202012(schema, registry=registry, format_checker=FORMATS)
        root_rest = {k: v for k, v in schema.items() if k not in ("properties", *_ANNOTATIONS)}
        self.compositional = set(root_rest) <= _KEY_SET_KEYWORDS and all(
            set(branch) <= {"required"} for key in ("oneOf", "anyOf") for branch in root_rest.get(key, [])
        )
        self.root = self.full.evolve(schema=root_rest)
        self.inline_types: dict[str, str] = {}
        self.item_defs: dict[str, tuple[Any, Any]] = {}
        self.value_validators: dict[str, Any] = {}
        for name, prop in schema.get("properties", {}).items():
            keywords = {k: v for k, v in prop.items() if k not in _ANNOTATIONS}
            items = keywords.get("items")
            if set(keywords) == {"type"} and isinstance(keywords["type"], str):
                self.inline_types[name] = keywords["type"]
            elif (
                isinstance(items, dict)
                and set(items) == {"$ref"}
                and keywords.get("type") == "array"
                and set(keywords) <= {"type", "items", "minItems", "maxItems"}
            ):
                array_rest = {k: v for k, v in keywords.items() if k != "items"}
                self.item_defs[name] = (self.full.evolve(schema=array_rest), self.full.evolve(schema=items))
            else:
                self.value_validators[name] = self.full.evolve(schema=prop)
        self.memo: dict[tuple[str, str, str], list[SchemaError]] = {}

    def errors(self, record: Any) -> list[SchemaError]:
        if not self.compositional or not isinstance(record, dict):
            return self._plain(self.full, record)
        found = list(self._memoised("", "keys", repr(sorted(record)), self.root, record))
        for name, value in record.items():
            kind = self.inline_types.get(name)
            if kind is not None:
                if not _JSON_TYPES[kind](value):
                    found.append(SchemaError((name,), f"a value of type {kind} (found {_short(value)})"))
                continue
            item_validators = self.item_defs.get(name)
            if item_validators is not None and isinstance(value, list):
                array_validator, item_validator = item_validators
                for error in self._memoised(name, "length", str(len(value)), array_validator, value):
                    found.append(SchemaError((name, *error.path), error.message))
                for index, item in enumerate(value):
                    # repr of parsed JSON is exact (1 and 1.0 and True differ) and far cheaper than dumps;
                    # two equal objects written in a different key order only miss the memo.
                    key = repr(item)
                    for error in self._memoised(name, "item", key, item_validator, item):
                        found.append(SchemaError((name, index, *error.path), error.message))
                continue
            validator = self.value_validators.get(name) or (item_validators or (None, None))[0]
            if validator is None:
                continue  # not in the schema's properties: additional fields are allowed
            if item_validators is not None:
                validator = self.full.evolve(schema=self.full.schema["properties"][name])
            key = value if isinstance(value, str) else repr(value)
            for error in self._memoised(name, "value", key, validator, value):
                found.append(SchemaError((name, *error.path), error.message))
        return found

    def _memoised(self, name: str, kind: str, key: str, validator: Any, value: Any) -> list[SchemaError]:
        cached = self.memo.get((name, kind, key))
        if cached is None:
            cached = self._plain(validator, value)
            if len(self.memo) < 1_000_000:
                self.memo[(name, kind, key)] = cached
        return cached

    def _plain(self, validator: Any, value: Any) -> list[SchemaError]:
        return [SchemaError(error_path(e), self.explain(e)) for e in validator.iter_errors(value)]


def error_path(error: ValidationError, absolute: bool = False) -> tuple[str | int, ...]:
    """Where the error is; for a missing required field, the path of the field itself."""
    path = tuple(error.absolute_path if absolute else error.relative_path)
    if error.validator == "required":
        missing = re.findall(r"^'([^']+)' is a required property", error.message)
        path = (*path, *missing)
    return path


def json_path(root: str, path: Sequence[str | int]) -> str:
    """grants[3].recipientOrganization[0].id"""
    text = root
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else f".{part}"
    return text
