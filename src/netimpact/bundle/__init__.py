"""The bundle: one JSON document holding a register, an exercise, its bids and parameter overrides.

It lets a council run the engine without the web app, move an exercise between systems and publish exactly
what an evaluation read. The format is specified by schema/bundle.schema.json (JSON Schema 2020-12) and
described field by field in docs/bundle.md.
"""

from .canonical import bundle_hash, bundle_text
from .errors import BundleError, BundleIssue
from .reading import Bundle, bundle_from_document, parse_bundle_text, read_bundle, validate_bundle
from .validation import bundle_schema
from .writing import FORMAT_VERSION, write_bundle

__all__ = [
    "FORMAT_VERSION",
    "Bundle",
    "BundleError",
    "BundleIssue",
    "bundle_from_document",
    "bundle_hash",
    "bundle_schema",
    "bundle_text",
    "parse_bundle_text",
    "read_bundle",
    "validate_bundle",
    "write_bundle",
]
