"""Schema validation of a bundle document, each jsonschema error turned into a path and an expectation."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from functools import cache
from importlib import resources
from typing import Any

from jsonschema import Draft202012Validator
from jsonschema.exceptions import ValidationError

from .errors import BundleIssue

_REQUIRED = re.compile(r"^'(?P<name>.+)' is a required property$")
_IDENTIFIER = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")

_JSON_TYPES = {
    dict: "an object",
    list: "an array",
    str: "a string",
    bool: "a boolean",
    int: "an integer",
    float: "a number",
    type(None): "null",
}

_FORMATS = {"date": "a date in ISO 8601 form, YYYY-MM-DD"}


@cache
def bundle_schema() -> dict[str, Any]:
    """The bundle's JSON Schema (2020-12), as shipped in netimpact/bundle/schema/bundle.schema.json."""
    text = resources.files("netimpact.bundle").joinpath("schema/bundle.schema.json").read_text("utf-8")
    schema: dict[str, Any] = json.loads(text)
    return schema


@cache
def _validator() -> Draft202012Validator:
    schema = bundle_schema()
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(_inlined(schema, schema["$defs"]),
                                format_checker=Draft202012Validator.FORMAT_CHECKER)


def _inlined(node: Any, definitions: dict[str, Any]) -> Any:
    """The schema with every local $ref replaced by its definition: the same constraints, validated a third
    faster (jsonschema resolves each $ref on every use). The schema's $refs are local and acyclic, and their
    siblings are annotations only (description, x-unit), which override the definition's."""
    if isinstance(node, list):
        return [_inlined(item, definitions) for item in node]
    if not isinstance(node, dict):
        return node
    result = {key: _inlined(value, definitions) for key, value in node.items() if key != "$defs"}
    reference = result.pop("$ref", None)
    if reference is None:
        return result
    target = _inlined(definitions[reference.removeprefix("#/$defs/")], definitions)
    return {**target, **result}


def json_path(parts: Any) -> str:
    """`$.ecosystem.funding[12].recipient` from a sequence of keys and indexes."""
    path = "$"
    for part in parts:
        if isinstance(part, int):
            path += f"[{part}]"
        elif _IDENTIFIER.match(part):
            path += f".{part}"
        else:
            path += "[" + json.dumps(part) + "]"
    return path


def schema_issues(document: Any) -> list[BundleIssue]:
    """Every place the document breaks the schema, sorted by position in the document."""
    errors = sorted(_validator().iter_errors(document), key=lambda e: _sort_key(e.absolute_path))
    issues: list[BundleIssue] = []
    for error in errors:
        for issue in _issues_for(error):
            if issue not in issues:
                issues.append(issue)
    return issues


def _sort_key(path: Any) -> tuple[tuple[int, int | str], ...]:
    return tuple((0, p) if isinstance(p, int) else (1, str(p)) for p in path)


def _describe(value: Any) -> str:
    kind = _JSON_TYPES.get(type(value), type(value).__name__)
    if isinstance(value, dict | list):
        return kind
    text = json.dumps(value, ensure_ascii=False)
    if len(text) > 60:
        text = text[:57] + "..."
    return f"{text} ({kind})"


def _about(schema: dict[str, Any]) -> str:
    description = schema.get("description")
    return f" ({description.rstrip('.')})" if isinstance(description, str) else ""


def _issues_for(error: ValidationError) -> Iterator[BundleIssue]:
    path = list(error.absolute_path)
    keyword = error.validator
    schema = error.schema if isinstance(error.schema, dict) else {}
    if "propertyNames" in error.relative_schema_path:
        # The offending value is a key of the object at `path`: point at the key itself.
        yield BundleIssue(
            json_path([*path, error.instance]),
            f"unknown key {json.dumps(error.instance)}",
            _expected_for(keyword, error.validator_value, schema),
        )
        return
    if keyword == "required":
        match = _REQUIRED.match(error.message)
        name = match.group("name") if match else str(error.validator_value)
        property_schema = schema.get("properties", {}).get(name, {})
        yield BundleIssue(json_path([*path, name]), "missing", f"a value for required field '{name}'"
                          + _about(_resolved(property_schema)))
        return
    if keyword == "additionalProperties" and isinstance(error.instance, dict):
        allowed = sorted(schema.get("properties", {}))
        for name in sorted(set(error.instance) - set(allowed)):
            yield BundleIssue(json_path([*path, name]), f"unknown field '{name}'",
                              "one of the fields " + ", ".join(allowed))
        return
    if keyword in ("anyOf", "oneOf") and error.context and error.instance is not None:
        # Nullable references: report why the value failed the non-null alternative.
        non_null = [e for e in error.context if e.validator != "type" or e.validator_value != "null"]
        for child in non_null:
            for issue in _issues_for(child):
                yield BundleIssue(issue.path, issue.problem, issue.expected + ", or null")
        return
    yield BundleIssue(json_path(path), _problem(error), _expected_for(keyword, error.validator_value, schema))


def _resolved(schema: dict[str, Any]) -> dict[str, Any]:
    """A property's schema with its $ref followed, keeping the property's own description."""
    reference = schema.get("$ref")
    if isinstance(reference, str) and reference.startswith("#/$defs/"):
        target = dict(bundle_schema()["$defs"][reference.removeprefix("#/$defs/")])
        target.update({k: v for k, v in schema.items() if k != "$ref"})
        return target
    return schema


def _problem(error: ValidationError) -> str:
    keyword, value = error.validator, error.instance
    if keyword == "enum":
        return f"{_describe(value)} is not a known code"
    if keyword == "uniqueItems":
        return "has repeated items"
    if keyword in ("minItems", "minProperties"):
        return f"has {len(value)} item{'s' if len(value) != 1 else ''}"
    if keyword in ("minLength", "maxLength") and isinstance(value, str):
        return f"is {len(value)} characters long"
    return _describe(value)


def _expected_for(keyword: Any, bound: Any, schema: dict[str, Any]) -> str:
    about = _about(schema)
    match keyword:
        case "type":
            kinds = bound if isinstance(bound, list) else [bound]
            return " or ".join(_type_name(k) for k in kinds) + about
        case "enum":
            return "one of " + ", ".join(str(v) for v in bound)
        case "const":
            return json.dumps(bound) + about
        case "minimum":
            return f"a number at least {bound}" + about
        case "maximum":
            return f"a number at most {bound}" + about
        case "exclusiveMinimum":
            return f"a number above {bound}" + about
        case "exclusiveMaximum":
            return f"a number below {bound}" + about
        case "pattern":
            return f"a value matching {bound}" + about
        case "format":
            return _FORMATS.get(bound, f"a value in {bound} format")
        case "minItems":
            return f"at least {bound} item{'s' if bound != 1 else ''}" + about
        case "minProperties":
            return f"at least {bound} entr{'ies' if bound != 1 else 'y'}" + about
        case "uniqueItems":
            return "each item once" + about
        case "minLength":
            return "a non-empty string" if bound == 1 else f"at least {bound} characters"
        case "maxLength":
            return f"at most {bound} characters"
    return f"a value satisfying '{keyword}'" + about


def _type_name(kind: str) -> str:
    return {"object": "an object", "array": "an array", "integer": "an integer", "null": "null"}.get(
        kind, f"a {kind}"
    )
