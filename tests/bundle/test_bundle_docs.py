"""docs/bundle.md keeps up with the schema, and its example is a valid bundle."""

from __future__ import annotations

import json
import re
from pathlib import Path

from netimpact.bundle import bundle_schema, read_bundle

DOC = (Path(__file__).resolve().parents[2] / "docs" / "bundle.md").read_text(encoding="utf-8")


def test_every_field_of_the_schema_is_documented():
    definitions = bundle_schema()["$defs"]
    missing = [
        f"{name}.{field}"
        for name, definition in definitions.items()
        for field in definition.get("properties", {})
        if f"| `{field}` |" not in DOC
    ]
    assert not missing, missing
    for name, definition in definitions.items():
        if "properties" in definition:
            assert f"### {name}" in DOC, name
        if "enum" in definition:
            assert all(f"`{code}`" in DOC for code in definition["enum"]), name


def test_the_example_is_a_valid_bundle():
    (example,) = re.findall(r"```json\n(.*?)```", DOC, flags=re.DOTALL)
    bundle = read_bundle(json.loads(example))
    assert bundle.exercise.replaced_streams == ["tie-recovery-contract"]
    assert bundle.parameter_overrides == {"p_unconfirmed": 0.4}
