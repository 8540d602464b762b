"""Read 360Giving grant data (JSON packages and the flattened CSV/XLSX form) into plain grant records.

Validation is against the vendored 360Giving schema 1.4.3 (schemas/360giving/), offline, with formats
checked. The spreadsheet form is turned back into JSON first, using the schema's own titles for the
column headings (`Recipient Org:Identifier` -> recipientOrganization[0].id; `Beneficiary Location:1:
Geographic Code` -> beneficiaryLocation[1].geoCode), so the same schema checks both and a problem names
the spreadsheet row and column. docs/open-data-imports.md lists the mapping field by field.
"""

from __future__ import annotations

import calendar
import csv
import datetime as dt
import io
import itertools
import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from . import schemas
from .jsonvalidation import MemoisedItems, SchemaError, json_path, registry_for
from .problems import FileUnreadable, Problem, ReadResult

STANDARD = "360giving"
GRANT_SCHEMA = "360giving/360-giving-schema.json"
PACKAGE_SCHEMA = "360giving/360-giving-package-schema.json"
# The package schema $refs the grant schema as 1.4.2 while the grant schema's $id says 1.4.3.
_OLD_GRANT_ID = (
    "https://raw.githubusercontent.com/ThreeSixtyGiving/standard/1.4.2/schema/360-giving-schema.json"
)
_ORG_ID = re.compile(r"^[A-Za-z0-9]+-\S+$")
WARD_CODE = re.compile(r"^[EWSN]05\d{6}$")


@dataclass(frozen=True, slots=True)
class OrgRef:
    """An organisation as a grant names it."""

    org_id: str
    name: str
    postcode: str = ""
    charity_number: str = ""
    company_number: str = ""


@dataclass(frozen=True, slots=True)
class Grant:
    id: str
    title: str
    amount: float  # amountAwarded, GBP
    award_date: dt.date
    funder: OrgRef
    recipient: OrgRef
    start: dt.date | None  # planned start, else the award date
    end: dt.date | None  # planned end, else start + duration, else None
    amount_per_year: float
    beneficiary_codes: tuple[str, ...] = ()  # every beneficiary geoCode given
    programme: str = ""
    where: str = ""  # "grants[3]" or "row 5"

    @property
    def ward_codes(self) -> tuple[str, ...]:
        return tuple(c for c in self.beneficiary_codes if WARD_CODE.match(c))


@dataclass(slots=True)
class _RawGrant:
    data: Any
    where: str  # "grants[3]" or "row 5"
    columns: dict[str, str] = field(default_factory=dict)  # JSON path (no root) -> spreadsheet title
    problems: list[Problem] = field(default_factory=list)  # found while unflattening


# --------------------------------------------------------------------------------------------- reading


def read(path: str | Path, *, name: str | None = None) -> ReadResult[Grant]:
    """Read a 360Giving file: .json, .csv or .xlsx (by its name's suffix)."""
    path = Path(path)
    suffix = Path(name or path.name).suffix.lower()
    result: ReadResult[Grant] = ReadResult(STANDARD)
    try:
        if suffix == ".json":
            raw = list(_json_grants(path.read_bytes(), result))
        elif suffix == ".csv":
            raw = list(_csv_grants(path.read_bytes()))
        elif suffix == ".xlsx":
            raw = list(_xlsx_grants(path))
        else:
            raise FileUnreadable(
                f"expected a .json, .csv or .xlsx file, not {suffix or 'a file with no suffix'}"
            )
    except FileUnreadable as error:
        result.problems.append(Problem("the file", "", str(error)))
        return result
    return check_grants(raw, result)


def read_bytes(content: bytes, name: str) -> ReadResult[Grant]:
    """As read(), from an uploaded file's content; `name` gives the suffix."""
    suffix = Path(name).suffix.lower()
    result: ReadResult[Grant] = ReadResult(STANDARD)
    try:
        if suffix == ".json":
            raw = list(_json_grants(content, result))
        elif suffix == ".csv":
            raw = list(_csv_grants(content))
        elif suffix == ".xlsx":
            raw = list(_xlsx_grants(io.BytesIO(content)))
        else:
            raise FileUnreadable(
                f"expected a .json, .csv or .xlsx file, not {suffix or 'a file with no suffix'}"
            )
    except FileUnreadable as error:
        result.problems.append(Problem("the file", "", str(error)))
        return result
    return check_grants(raw, result)


def read_document(document: Any) -> ReadResult[Grant]:
    """Read an already-parsed JSON document (a package with `grants`)."""
    result: ReadResult[Grant] = ReadResult(STANDARD)
    return check_grants(list(_package_grants(document, result)), result)


def check_grants(raw: list[_RawGrant], result: ReadResult[Grant]) -> ReadResult[Grant]:
    validator = grant_validator()
    seen: dict[str, str] = {}
    result.total = len(raw)
    for item in raw:
        grant_id = item.data.get("id") if isinstance(item.data, dict) else None
        label = grant_id if isinstance(grant_id, str) and grant_id else item.where
        problems = list(item.problems)
        problems.extend(_schema_problem(item, error, label) for error in validator.errors(item.data))
        if isinstance(grant_id, str) and grant_id:
            if grant_id in seen:
                problems.append(
                    Problem(
                        item.where,
                        _title(item, ("id",)),
                        f"a grant id used once in the file (also at {seen[grant_id]})",
                        label,
                    )
                )
            seen.setdefault(grant_id, item.where)
        grant = None if problems else _grant(item, label, problems)
        if problems or grant is None:
            result.problems.extend(problems)
            result.invalid.append(label)
        else:
            result.records.append(grant)
    return result


# ------------------------------------------------------------------------------------------------ JSON


def _json_grants(content: bytes, result: ReadResult[Grant]) -> Iterator[_RawGrant]:
    try:
        document = json.loads(content.decode("utf-8-sig"))
    except UnicodeDecodeError as error:
        raise FileUnreadable(f"expected UTF-8 text (byte {error.start} is not UTF-8)") from error
    except json.JSONDecodeError as error:
        raise FileUnreadable(
            f"expected JSON: {error.msg} at line {error.lineno}, column {error.colno}"
        ) from error
    yield from _package_grants(document, result)


def _package_grants(document: Any, result: ReadResult[Grant]) -> Iterator[_RawGrant]:
    if not isinstance(document, dict) or "grants" not in document:
        raise FileUnreadable('expected a 360Giving package: a JSON object with a "grants" array')
    grants = document["grants"]
    if not isinstance(grants, list):
        raise FileUnreadable(f'expected "grants" to be an array, found {type(grants).__name__}')
    if not grants:
        raise FileUnreadable('expected at least one grant in "grants"')
    for key in ("version", "extensions", "license", "publisher"):
        if key in document and key == "version" and not isinstance(document[key], str):
            result.problems.append(Problem("version", "version", 'a string such as "1.4"'))
    for index, data in enumerate(grants):
        yield _RawGrant(data, f"grants[{index}]")


# ------------------------------------------------------------------------------------------ spreadsheet


@dataclass(frozen=True, slots=True)
class _Column:
    path: tuple[str | int, ...]  # JSON path inside a grant
    kind: str  # "string", "number", "integer", "array-of-strings"


def _csv_grants(content: bytes) -> Iterator[_RawGrant]:
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise FileUnreadable(
            f"expected UTF-8 text (byte {error.start} is not UTF-8; save the spreadsheet as CSV UTF-8)"
        ) from error
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        rows = list(reader)
    except csv.Error as error:
        raise FileUnreadable(f"expected CSV: {error} (near line {reader.line_num})") from error
    yield from _rows_to_grants(iter(rows))


def _xlsx_grants(source: Any) -> Iterator[_RawGrant]:
    import openpyxl  # only the spreadsheet path needs it

    try:
        book = openpyxl.load_workbook(source, read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises several types for a file that is not a workbook
        raise FileUnreadable(f"expected an Excel workbook (.xlsx): {error}") from error
    sheet = book["grants"] if "grants" in book.sheetnames else book.worksheets[0]
    rows = ([_cell_text(value) for value in row] for row in sheet.iter_rows(values_only=True))
    yield from _rows_to_grants(rows)
    book.close()


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _rows_to_grants(rows: Iterator[list[str]]) -> Iterator[_RawGrant]:
    header = next(rows, None)
    if not header or not any(h.strip() for h in header):
        raise FileUnreadable("expected a header row of 360Giving column titles on the first row")
    columns = [_column(title) for title in header]
    if not any(c is not None and c.path == ("id",) for c in columns):
        raise FileUnreadable('expected an "Identifier" column (the grant id) in the header row')
    for number, row in enumerate(rows, start=2):
        if not any(cell.strip() for cell in row):
            continue
        item = _RawGrant({}, f"row {number}")
        if len(row) > len(header) and any(cell.strip() for cell in row[len(header) :]):
            item.problems.append(
                Problem(
                    item.where,
                    "",
                    f"at most {len(header)} cells, as in the header row (found {len(row)})",
                    row[0] or item.where,
                )
            )
        for title, column, cell in zip(header, columns, row, strict=False):
            if column is None or not cell.strip():
                continue
            item.columns[".".join(map(str, column.path))] = title
            _put(item.data, column.path, _typed(cell.strip(), column.kind))
        yield item


def _typed(cell: str, kind: str) -> Any:
    if kind == "array-of-strings":
        return [part.strip() for part in cell.split(";") if part.strip()]
    if kind in ("number", "integer"):
        try:
            number = float(cell.replace(",", "").replace("£", ""))
        except ValueError:
            return cell  # left as text: the schema then names the row, the column and the type expected
        return int(number) if number.is_integer() else number
    return cell


def _put(target: dict[str, Any], path: tuple[str | int, ...], value: Any) -> None:
    node: Any = target
    for part, following in itertools.pairwise(path):
        if isinstance(part, int):
            while len(node) <= part:
                node.append({})
            node = node[part]
        else:
            node = node.setdefault(part, [] if isinstance(following, int) else {})
    last = path[-1]
    if isinstance(last, int):
        while len(node) <= last:
            node.append(None)
        node[last] = value
    else:
        node[last] = value


@cache
def _title_index() -> dict[str, tuple[dict[str, Any], dict[str, Any]]]:
    """Top-level titles (lower case) -> (property name wrapper, property schema), from the schema."""
    schema = schemas.load(GRANT_SCHEMA)
    index: dict[str, tuple[dict[str, Any], dict[str, Any]]] = {}
    for name, prop in schema["properties"].items():
        resolved = _resolve(prop)
        title = prop.get("title") or resolved.get("title") or name
        index[title.lower()] = ({"name": name}, prop)
        index[name.lower()] = ({"name": name}, prop)
    return index


def _resolve(prop: dict[str, Any]) -> dict[str, Any]:
    ref = prop.get("$ref", "")
    if ref.startswith("#/$defs/"):
        resolved: dict[str, Any] = schemas.load(GRANT_SCHEMA)["$defs"][ref.removeprefix("#/$defs/")]
        return resolved
    return prop


@cache
def _column(title: str) -> _Column | None:
    """A spreadsheet column title -> where its value goes in a grant, or None for a column we ignore."""
    parts = [p.strip() for p in (title.split("/") if "/" in title and ":" not in title else title.split(":"))]
    if not parts or not parts[0]:
        return None
    found = _title_index().get(parts[0].lower())
    if found is None:
        return None
    path: list[str | int] = [found[0]["name"]]
    return _descend(_resolve(found[1]), parts[1:], path)


def _descend(prop: dict[str, Any], rest: list[str], path: list[str | int]) -> _Column | None:
    kind = prop.get("type")
    kinds = kind if isinstance(kind, list) else [kind]
    if "array" in kinds:
        items = _resolve(prop.get("items", {}))
        if items.get("type") == "string" and not rest:
            return _Column(tuple(path), "array-of-strings")
        index = 0
        if rest and rest[0].isdigit():
            index, rest = int(rest[0]), rest[1:]
        return _descend(items, rest, [*path, index])
    if "object" in kinds or "properties" in prop:
        if not rest:
            return None
        for name, child in prop.get("properties", {}).items():
            resolved = _resolve(child)
            title = (child.get("title") or resolved.get("title") or name).lower()
            if rest[0].lower() in (title, name.lower()):
                return _descend(resolved, rest[1:], [*path, name])
        return None
    if rest:
        return None
    scalar = next((k for k in kinds if k in ("number", "integer")), "string")
    return _Column(tuple(path), scalar)


# ------------------------------------------------------------------------------------------ validation


@cache
def grant_validator() -> MemoisedItems:
    grant = schemas.load(GRANT_SCHEMA)
    registry = registry_for(grant, schemas.load(PACKAGE_SCHEMA), aliases={_OLD_GRANT_ID: grant})
    return MemoisedItems(grant, registry)


def _title(item: _RawGrant, path: tuple[str | int, ...]) -> str:
    """The spreadsheet column for a JSON path; for a field with no column, the schema's title for it."""
    key = ".".join(map(str, path))
    if item.columns and key in item.columns:
        return item.columns[key]
    if item.columns and path:
        titles: list[str] = []
        node: dict[str, Any] = {"properties": schemas.load(GRANT_SCHEMA)["properties"]}
        for part in path:
            if isinstance(part, int):
                continue
            node = _resolve(node)
            if node.get("type") == "array" or "items" in node:
                node = _resolve(node.get("items", {}))
            child = node.get("properties", {}).get(part, {})
            titles.append(child.get("title") or _resolve(child).get("title") or str(part))
            node = child
        return ":".join(titles)
    named_parts = [p for p in path if isinstance(p, str)]
    return named_parts[-1] if named_parts else ""


def _schema_problem(item: _RawGrant, error: SchemaError, label: str) -> Problem:
    if item.columns:  # a spreadsheet row: name the column
        return Problem(item.where, _title(item, error.path) or error.field(), error.message, label)
    return Problem(json_path(item.where, error.path), error.field(), error.message, label)


# ------------------------------------------------------------------------------------------ conversion


def parse_date(text: Any) -> dt.date | None:
    if not isinstance(text, str) or len(text) < 10:
        return None
    try:
        return dt.date.fromisoformat(text[:10])
    except ValueError:
        return None


def _org(data: dict[str, Any]) -> OrgRef:
    return OrgRef(
        org_id=str(data.get("id", "")).strip(),
        name=" ".join(str(data.get("name", "")).split()),
        postcode=str(data.get("postalCode") or "").strip(),
        charity_number=str(data.get("charityNumber") or "").strip(),
        company_number=str(data.get("companyNumber") or "").strip(),
    )


def _grant(item: _RawGrant, label: str, problems: list[Problem]) -> Grant | None:
    data = item.data
    where = item.where

    def problem(path: tuple[str | int, ...], expected: str) -> None:
        place = where if item.columns else json_path(where, path)
        problems.append(Problem(place, _title(item, path) or str(path[-1]), expected, label))

    if "recipientOrganization" not in data:
        problem(
            ("recipientIndividual",),
            "a recipient organisation: grants to individuals are not recorded in the register (skipped)",
        )
        return None
    if data.get("currency") != "GBP":
        problem(("currency",), f"GBP: the register holds pounds sterling (found {data.get('currency')!r})")
        return None
    funder, recipient = _org(data["fundingOrganization"][0]), _org(data["recipientOrganization"][0])
    for path, org in (
        (("fundingOrganization", 0, "id"), funder),
        (("recipientOrganization", 0, "id"), recipient),
    ):
        if not _ORG_ID.match(org.org_id) or len(org.org_id) > 100:
            problem(
                path,
                "an Org-ID such as GB-CHC-1234567 or 360G-xxx, with no spaces, at most 100 characters "
                f"(found {org.org_id!r})",
            )
    if len(data["id"]) > 100:
        problem(("id",), "a grant id of at most 100 characters")
    if data["amountAwarded"] < 0:
        problem(("amountAwarded",), f"an amount of at least 0 (found {data['amountAwarded']})")
    award = parse_date(data["awardDate"])
    if award is None:
        problem(("awardDate",), f"a real calendar date (found {data['awardDate']!r})")
    planned = (data.get("plannedDates") or [{}])[0] or {}
    for name in ("startDate", "endDate"):
        if planned.get(name) and parse_date(planned[name]) is None:
            problem(("plannedDates", 0, name), f"a real calendar date (found {planned[name]!r})")
    start = parse_date(planned.get("startDate")) or award
    end = parse_date(planned.get("endDate"))
    duration = planned.get("duration")
    if end is None and start is not None and isinstance(duration, int | float) and duration > 0:
        end = _add_months(start, duration)
    if start and end and end < start:
        problem(("plannedDates", 0, "endDate"), f"an end date on or after the start date {start.isoformat()}")
    if problems or award is None:
        return None
    months = duration if isinstance(duration, int | float) and duration > 0 else None
    if months is None and start and end:
        months = max((end - start).days, 1) / (365.25 / 12)
    years = max(1.0, months / 12.0) if months else 1.0
    codes = tuple(
        str(loc["geoCode"]).strip()
        for loc in data.get("beneficiaryLocation") or []
        if isinstance(loc, dict) and loc.get("geoCode")
    )
    programme = (data.get("grantProgramme") or [{}])[0] or {}
    return Grant(
        id=data["id"],
        title=data["title"],
        amount=float(data["amountAwarded"]),
        award_date=award,
        funder=funder,
        recipient=recipient,
        start=start,
        end=end,
        amount_per_year=float(data["amountAwarded"]) / years,
        beneficiary_codes=codes,
        programme=str(programme.get("title") or programme.get("code") or ""),
        where=where,
    )


def _add_months(start: dt.date, months: float) -> dt.date:
    """The last day of a period of `months` months starting on `start`."""
    whole = int(months)
    year, month = divmod(start.month - 1 + whole, 12)
    day = min(start.day, calendar.monthrange(start.year + year, month + 1)[1])
    end = dt.date(start.year + year, month + 1, day)
    return end + dt.timedelta(days=round((months - whole) * 30.44)) - dt.timedelta(days=1)


def grants_document(grants: Iterable[dict[str, Any]]) -> dict[str, Any]:
    """A minimal package around grant objects (for tests and the benchmark's generator)."""
    return {"grants": list(grants)}
