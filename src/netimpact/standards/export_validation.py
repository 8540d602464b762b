"""Validate our open-data exports with the official tools, offline.

- OCDS: libcoveocds (the library behind the Open Contracting Partnership's Data Review Tool). It reads the
  standard through ocdsextensionregistry, which downloads the standard's ZIP and each extension's files.
  Offline, we hand it the standard as the bytes of a ZIP built from the vendored schema (its
  `standard_zip` setting accepts bytes) and answer its extension requests from the vendored copies,
  through a requests adapter mounted on ocdsextensionregistry's session for the duration of the check.
  Any URL we do not hold is refused (OfflineRequestRefused), never fetched.
- HSDS / Open Referral UK: jsonschema against the vendored HSDS 3.0 per-table schemas and the UK
  profile's compiled service schema.
- 360Giving: jsonschema against the vendored 1.4.3 package and grant schemas.

Each function returns a list of problems as text (JSON path: message); an empty list means valid.
"""

from __future__ import annotations

import contextlib
import io
import json
import tempfile
import warnings
import zipfile
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import requests
from jsonschema import Draft202012Validator, FormatChecker
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from .ocds_export import OFFICIAL_EXTENSIONS

HERE = Path(__file__).resolve().parent
SCHEMAS = HERE / "schemas"
OCDS_SCHEMA_DIR = SCHEMAS / "ocds" / "1.1"
OCDS_EXTENSIONS_DIR = SCHEMAS / "ocds" / "extensions"
NETIMPACT_EXTENSION_DIR = HERE / "extensions" / "netimpact"
HSDS_DIR = SCHEMAS / "hsds-3.0"
ORUK_DIR = SCHEMAS / "oruk"
THREESIXTYGIVING_DIR = SCHEMAS / "360giving"
OCDS_TAG = "1__1__5"


class OfflineRequestRefused(requests.ConnectionError):
    """A validator asked for a URL we hold no copy of; offline, it is refused rather than fetched."""


# ------------------------------------------------------------------------------------------------ OCDS


@dataclass(slots=True)
class OcdsReport:
    """What libcoveocds found. `errors` are schema validation errors; the rest are the Data Review Tool's
    other findings (fields no schema declares, codes outside closed or open codelists, extensions it could
    not read), which a clean export also has none of."""

    errors: list[str] = field(default_factory=list)
    additional_fields: list[str] = field(default_factory=list)
    additional_closed_codelist_values: list[str] = field(default_factory=list)
    additional_open_codelist_values: list[str] = field(default_factory=list)
    invalid_extensions: list[str] = field(default_factory=list)
    additional_checks: list[str] = field(default_factory=list)
    raw: dict[str, Any] = field(default_factory=dict, repr=False)

    @property
    def problems(self) -> list[str]:
        return [
            *self.errors,
            *(f"field no schema declares: {f}" for f in self.additional_fields),
            *(f"code outside a closed codelist: {c}" for c in self.additional_closed_codelist_values),
            *(f"code outside an open codelist: {c}" for c in self.additional_open_codelist_values),
            *(f"extension not read: {e}" for e in self.invalid_extensions),
            *(f"additional check: {c}" for c in self.additional_checks),
        ]


def validate_ocds(package: Mapping[str, Any], netimpact_extension_url: str | None = None) -> OcdsReport:
    """Run libcoveocds on a release package, offline. `netimpact_extension_url` is the URL the package
    names for our extension (found in its `extensions` when not given)."""
    from libcoveocds.api import ocds_json_output
    from libcoveocds.config import LibCoveOCDSConfig

    data = json.loads(json.dumps(package))  # libcoveocds edits what it reads
    ours = netimpact_extension_url or next(
        (url for url in data.get("extensions", []) if url not in _official_extension_files()), None
    )
    files = dict(_official_extension_files())
    if ours:
        files.update(_extension_files(ours, NETIMPACT_EXTENSION_DIR))
    config = LibCoveOCDSConfig()
    config.config["context"] = "api"
    config.config["standard_zip"] = standard_zip()
    # lib-cove links each codelist to its published URL; it never fetches it, but point it at a file we hold.
    config.config["schema_codelists"] = {"1.1": OCDS_SCHEMA_DIR.joinpath("codelists").as_uri() + "/"}
    with _served_locally(files), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with tempfile.TemporaryDirectory() as output:
            context = ocds_json_output(output, json_data=data, lib_cove_ocds_config=config, record_pkg=False)
    return _report(context)


def _report(context: dict[str, Any]) -> OcdsReport:
    """The findings of libcoveocds's API context (libcoveocds.lib.api.context_api_transform's shape)."""
    report = OcdsReport(raw=context)
    report.errors = [
        f"{e.get('path') or e.get('field')}: {e.get('description')} (value {e.get('value')!r})"
        for e in context.get("validation_errors", [])
    ]
    report.additional_fields = sorted(
        f"{f.get('path')}/{f.get('field_name')}"
        for f in context.get("all_additional_fields", [])
        if f.get("root_additional_field", True)
    )
    report.additional_closed_codelist_values = sorted(
        f"{path}: {detail.get('values')}"
        for path, detail in (context.get("additional_closed_codelist_values") or {}).items()
    )
    report.additional_open_codelist_values = sorted(
        f"{path}: {detail.get('values')}"
        for path, detail in (context.get("additional_open_codelist_values") or {}).items()
    )
    extensions = context.get("extensions") or {}
    report.invalid_extensions = sorted(
        f"{url}: {why}" for url, why in extensions.get("invalid_extensions", [])
    )
    report.additional_checks = sorted(
        f"{name}: {found}" for name, found in (context.get("additional_checks") or {}).items() if found
    )
    return report


@cache
def standard_zip() -> bytes:
    """The vendored OCDS 1.1.5 schema and codelists laid out as the standard repository's ZIP."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        root = f"standard-{OCDS_TAG}/"
        archive.writestr(root, "")
        for path in sorted(OCDS_SCHEMA_DIR.rglob("*")):
            if path.is_file():
                archive.write(path, f"{root}schema/{path.relative_to(OCDS_SCHEMA_DIR).as_posix()}")
    return buffer.getvalue()


@cache
def _official_extension_files() -> dict[str, bytes]:
    files: dict[str, bytes] = {}
    for directory, base in OFFICIAL_EXTENSIONS.items():
        files.update(_extension_files(f"{base}extension.json", OCDS_EXTENSIONS_DIR / directory))
    return files


def _extension_files(extension_json_url: str, directory: Path) -> dict[str, bytes]:
    """URL → content for an extension's files, one by one and (where ocdsextensionregistry downloads a
    repository's archive instead, as it does for GitHub URLs) as the archive."""
    from ocdsextensionregistry import ExtensionVersion

    if not extension_json_url.endswith("extension.json"):
        raise ValueError(f"an extension URL ends with extension.json, not {extension_json_url!r}")
    base = extension_json_url[: -len("extension.json")]
    paths = sorted(p for p in directory.rglob("*") if p.is_file())
    files = {base + p.relative_to(directory).as_posix(): p.read_bytes() for p in paths}
    row = {"Id": None, "Date": None, "Version": None, "Base URL": base, "Download URL": None}
    download_url = ExtensionVersion(row).download_url
    if download_url:
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w") as archive:
            archive.writestr(f"{directory.name}/", "")
            for path in paths:
                archive.write(path, f"{directory.name}/{path.relative_to(directory).as_posix()}")
        files[download_url] = buffer.getvalue()
    return files


class _LocalFiles(requests.adapters.BaseAdapter):
    def __init__(self, files: Mapping[str, bytes]) -> None:
        super().__init__()
        self.files = files

    def send(self, request: requests.PreparedRequest, *args: Any, **kwargs: Any) -> requests.Response:
        url = request.url or ""
        response = requests.Response()
        response.url = url
        response.request = request
        if url in self.files:
            response.status_code = 200
            response._content = self.files[url]
            response.encoding = "utf-8"
            return response
        base = url.rsplit("/", 1)[0] + "/"
        if any(known.startswith(base) for known in self.files):
            response.status_code = 404  # a file the extension does not have (e.g. its README)
            response._content = b""
            return response
        raise OfflineRequestRefused(f"offline validation holds no copy of {url}", request=request)

    def close(self) -> None:
        pass


@contextlib.contextmanager
def _served_locally(files: Mapping[str, bytes]) -> Iterator[None]:
    """Answer ocdsextensionregistry's requests from `files`; restore its adapters afterwards."""
    from ocdsextensionregistry import util

    session = util.session
    saved = dict(session.adapters)
    adapter = _LocalFiles(files)
    session.mount("https://", adapter)
    session.mount("http://", adapter)
    cache_disabled = (
        session.cache_disabled() if hasattr(session, "cache_disabled") else contextlib.nullcontext()
    )
    try:
        with cache_disabled:
            yield
    finally:
        session.adapters.clear()
        for prefix, previous in saved.items():
            session.mount(prefix, previous)


# ------------------------------------------------------------------------------------------------ HSDS


def validate_hsds_services(page: Mapping[str, Any]) -> list[str]:
    """Problems in an HSDS 3.0 `/services` page: the page's own fields, and each service in `contents`
    against HSDS 3.0's service.json (with every table schema it refers to) and against the Open Referral
    UK profile's compiled service schema."""
    problems: list[str] = []
    for name in ("total_items", "total_pages", "page_number", "size", "first_page", "last_page", "empty"):
        if name not in page:
            problems.append(f"$.{name}: missing (an HSDS page has it)")
    contents = page.get("contents")
    if not isinstance(contents, list):
        return [*problems, "$.contents: expected a list of services"]
    hsds, oruk = _hsds_validator(), _oruk_validator()
    for index, service in enumerate(contents):
        for label, validator in (("HSDS 3.0", hsds), ("Open Referral UK 3.0", oruk)):
            for error in validator.iter_errors(service):
                path = "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in error.absolute_path)
                problems.append(f"$.contents[{index}]{path}: {error.message} ({label})")
    return problems


@cache
def _hsds_validator() -> Draft202012Validator:
    resources = []
    for path in HSDS_DIR.glob("*.json"):
        schema = json.loads(path.read_text(encoding="utf-8"))
        resources.append((path.name, Resource.from_contents(schema, default_specification=DRAFT202012)))
    registry: Registry = Registry().with_resources(resources)
    schema = json.loads((HSDS_DIR / "service.json").read_text(encoding="utf-8"))
    return Draft202012Validator(schema, registry=registry, format_checker=FormatChecker())


@cache
def _oruk_validator() -> Draft202012Validator:
    schema = json.loads((ORUK_DIR / "service.json").read_text(encoding="utf-8"))
    return Draft202012Validator(schema, format_checker=FormatChecker())


# ------------------------------------------------------------------------------------------- 360Giving

THREESIXTYGIVING_GRANT_IDS = (
    "https://raw.githubusercontent.com/ThreeSixtyGiving/standard/1.4.2/schema/360-giving-schema.json",
)


def validate_threesixtygiving(package: Mapping[str, Any]) -> list[str]:
    """Problems in a 360Giving package against the vendored 1.4.3 schemas, formats checked."""
    validator = _threesixtygiving_validator()
    problems = []
    for error in validator.iter_errors(package):
        path = "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in error.absolute_path)
        problems.append(f"${path}: {error.message}")
    return problems


@cache
def _threesixtygiving_validator() -> Draft202012Validator:
    grant = json.loads((THREESIXTYGIVING_DIR / "360-giving-schema.json").read_text(encoding="utf-8"))
    package = json.loads(
        (THREESIXTYGIVING_DIR / "360-giving-package-schema.json").read_text(encoding="utf-8")
    )
    # The package schema refers to the grant schema by its 1.4.2 URL, the grant schema's $id is 1.4.3:
    # hold it under both (shared/data/SOURCES.md); the $schema is http://, so force 2020-12.
    uris = {grant["$id"], *THREESIXTYGIVING_GRANT_IDS, *_refs_to_grant_schema(package)}
    registry: Registry = Registry().with_resources((uri, DRAFT202012.create_resource(grant)) for uri in uris)
    return Draft202012Validator(package, registry=registry, format_checker=FormatChecker())


def _refs_to_grant_schema(schema: Any) -> set[str]:
    found: set[str] = set()
    if isinstance(schema, dict):
        for key, value in schema.items():
            if key == "$ref" and isinstance(value, str) and "360-giving-schema.json" in value:
                found.add(value.split("#", 1)[0])
            else:
                found |= _refs_to_grant_schema(value)
    elif isinstance(schema, list):
        for value in schema:
            found |= _refs_to_grant_schema(value)
    return found
