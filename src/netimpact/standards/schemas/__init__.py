"""Official schemas, vendored so that validation works offline. See README.md here for their sources."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

SCHEMA_DIR = Path(__file__).resolve().parent


@cache
def load(relative: str) -> dict[str, Any]:
    with (SCHEMA_DIR / relative).open(encoding="utf-8") as handle:
        schema: dict[str, Any] = json.load(handle)
    return schema
