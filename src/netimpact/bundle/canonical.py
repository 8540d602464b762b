"""The bundle's text and fingerprint: same document, same bytes, same hash."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from typing import Any


def bundle_text(document: Mapping[str, Any]) -> str:
    """The document as JSON text for people and files: two-space indent, UTF-8, a final newline."""
    return json.dumps(document, indent=2, ensure_ascii=False, allow_nan=False) + "\n"


def bundle_hash(document: Mapping[str, Any]) -> str:
    """`sha256:<hex>` of the document's content, independent of indentation and key order."""
    compact = json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False)
    return "sha256:" + hashlib.sha256(compact.encode("utf-8")).hexdigest()
