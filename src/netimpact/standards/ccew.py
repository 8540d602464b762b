"""Read the Charity Commission for England and Wales register extract into charities and their finances.

The extract is a set of tab-separated tables (publicextract.<table>.txt: UTF-8, CRLF, unquoted, a header
row), from a folder or a zip. Four are read: charity, annual_return_history, annual_return_parta and
annual_return_partb. Each table's header is checked against the field dictionary (schemas/ccew/
ccew-fields.csv); each row must have as many fields as the header; each field read must parse. A problem
names the table, the line, the field and what was expected.

Only main charities (linked_charity_number 0) become organisations: a linked charity (a subsidiary or
group member registered under the main charity's number) is part of its main charity and is skipped,
as are charities removed from the register. docs/open-data-imports.md lists the mapping.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import zipfile
from collections import defaultdict
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from netimpact.domain.vocabulary import IncomeSource

from .problems import FileUnreadable, Problem, ReadResult
from .schemas import SCHEMA_DIR

STANDARD = "ccew"
TABLES = {
    "charity": "Charity",
    "charity_annual_return_history": "CharityAnnualReturnHistory",
    "charity_annual_return_parta": "CharityARPartA",
    "charity_annual_return_partb": "CharityARPartB",
}
REQUIRED = {"charity"}  # the others may be absent (then no finances)


@dataclass(frozen=True, slots=True)
class RegisterFinance:
    """One year as the register's FinancialYear holds it (only where part B gives reserves)."""

    income: dict[IncomeSource, float]
    expenditure: float
    free_reserves: float
    net_assets: float
    admin_costs: float


@dataclass(frozen=True, slots=True)
class CharityYearFigures:
    year: int  # calendar year in which the financial year ends
    period_end: dt.date
    income: float | None
    expenditure: float | None
    government_contracts: float | None
    government_grants: float | None
    reserves: float | None
    employees: int | None
    volunteers: int | None
    register_finance: RegisterFinance | None


@dataclass(slots=True)
class Charity:
    number: int
    name: str
    postcode: str
    company_number: str
    where: str
    years: list[CharityYearFigures] = field(default_factory=list)  # oldest first

    @property
    def org_id(self) -> str:
        return f"GB-CHC-{self.number}"

    @property
    def other_ids(self) -> tuple[str, ...]:
        number = self.company_number.strip().upper()
        if number.isdigit() and len(number) < 8:
            number = number.zfill(8)
        return (f"GB-COH-{number}",) if number and number.isalnum() and len(number) == 8 else ()

    @property
    def employees(self) -> int | None:
        return next((y.employees for y in reversed(self.years) if y.employees is not None), None)

    @property
    def volunteers(self) -> int | None:
        return next((y.volunteers for y in reversed(self.years) if y.volunteers is not None), None)


@dataclass(slots=True)
class _Table:
    name: str
    file: str
    rows: list[tuple[int, dict[str, str]]]  # (line number, row)


# ------------------------------------------------------------------------------------------- sources


def read(path: str | Path) -> ReadResult[Charity]:
    """A folder holding the publicextract.*.txt tables, one of those files (its folder is read), or a zip."""
    path = Path(path)
    result: ReadResult[Charity] = ReadResult(STANDARD)
    try:
        if path.is_file() and path.suffix.lower() == ".zip":
            return read_bytes(path.read_bytes(), path.name)
        folder = path if path.is_dir() else path.parent
        files = {p.name: p.read_bytes for p in folder.glob("publicextract.*.txt")}
        return _read_files(files, result)
    except FileUnreadable as error:
        result.problems.append(Problem("the extract", "", str(error)))
        return result


def read_bytes(content: bytes, name: str) -> ReadResult[Charity]:
    """An uploaded zip of the tables, or a single publicextract.charity.txt."""
    result: ReadResult[Charity] = ReadResult(STANDARD)
    try:
        if name.lower().endswith(".zip"):
            try:
                archive = zipfile.ZipFile(io.BytesIO(content))
            except zipfile.BadZipFile as error:
                raise FileUnreadable(f"expected a zip of publicextract tables: {error}") from error
            files = {
                Path(n).name: (lambda n=n: archive.read(n))
                for n in archive.namelist()
                if Path(n).name.startswith("publicextract.") and n.endswith(".txt")
            }
            # The Commission publishes each table as its own zip: accept a zip of those zips too.
            for inner in [n for n in archive.namelist() if n.lower().endswith(".zip")]:
                with zipfile.ZipFile(io.BytesIO(archive.read(inner))) as nested:
                    for n in nested.namelist():
                        if Path(n).name.startswith("publicextract."):
                            data = nested.read(n)
                            files[Path(n).name] = lambda data=data: data
            return _read_files(files, result)
        return _read_files({Path(name).name: lambda: content}, result)
    except FileUnreadable as error:
        result.problems.append(Problem("the extract", "", str(error)))
        return result


# ------------------------------------------------------------------------------------------- parsing


@cache
def known_fields() -> dict[str, frozenset[str]]:
    fields: dict[str, set[str]] = defaultdict(set)
    with (SCHEMA_DIR / "ccew" / "ccew-fields.csv").open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            fields[row["Table"]].add(row["Field"])
    return {table: frozenset(names) for table, names in fields.items()}


def _read_files(files: Mapping[str, Callable[[], bytes]], result: ReadResult[Charity]) -> ReadResult[Charity]:
    tables: dict[str, _Table] = {}
    for table in TABLES:
        file = f"publicextract.{table}.txt"
        if file not in files:
            if table in REQUIRED:
                raise FileUnreadable(f"expected the table {file} (the register of charities)")
            continue
        content = files[file]()
        tables[table] = _parse_table(table, file, content, result)
    return _charities(tables, result)


def _parse_table(table: str, file: str, content: bytes, result: ReadResult[Charity]) -> _Table:
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise FileUnreadable(f"{file}: expected UTF-8 text (byte {error.start} is not UTF-8)") from error
    lines = text.split("\r\n") if "\r\n" in text else text.split("\n")
    header = lines[0].split("\t")
    known = known_fields()[TABLES[table]] | {"date_of_extract"}
    missing = sorted(_needed(table) - set(header))
    if missing:
        raise FileUnreadable(f"{file}: expected the column(s) {', '.join(missing)} in the header row")
    unknown = [h for h in header if h not in known]
    if unknown:
        result.problems.append(
            Problem(
                f"{file} line 1",
                unknown[0],
                f"only the fields of the Commission's extract ({len(unknown)} unknown)",
            )
        )
    rows = []
    for number, line in enumerate(lines[1:], start=2):
        if not line.strip():
            continue
        cells = line.split("\t")
        if len(cells) != len(header):
            charity = cells[2] if len(cells) > 2 and cells[2].isdigit() else None
            result.problems.append(
                Problem(
                    f"{file} line {number}",
                    "",
                    f"{len(header)} tab-separated fields as in the header (found {len(cells)}: "
                    "a record broken across lines or a stray tab)",
                    f"GB-CHC-{charity}" if charity else f"{file} line {number}",
                )
            )
            if charity:
                result.invalid.append(f"GB-CHC-{charity}")
            continue
        rows.append((number, dict(zip(header, cells, strict=True))))
    return _Table(table, file, rows)


def _needed(table: str) -> set[str]:
    return {
        "charity": {
            "registered_charity_number",
            "linked_charity_number",
            "charity_name",
            "charity_registration_status",
        },
        "charity_annual_return_history": {
            "registered_charity_number",
            "fin_period_end_date",
            "total_gross_income",
            "total_gross_expenditure",
        },
        "charity_annual_return_parta": {"registered_charity_number", "fin_period_end_date"},
        "charity_annual_return_partb": {"registered_charity_number", "fin_period_end_date"},
    }[table]


class _Row:
    """Typed access to one row; a field that does not parse adds a problem naming the line and field."""

    def __init__(self, table: _Table, line: int, row: dict[str, str], problems: list[Problem], record: str):
        self.table, self.line, self.row, self.problems, self.record = table, line, row, problems, record

    def _problem(self, name: str, expected: str) -> None:
        self.problems.append(
            Problem(
                f"{self.table.file} line {self.line}",
                name,
                f"{expected} (found {self.row.get(name, '')!r})",
                self.record,
            )
        )

    def text(self, name: str) -> str:
        return " ".join(self.row.get(name, "").split())

    def number(self, name: str) -> float | None:
        value = self.row.get(name, "").strip()
        if not value:
            return None
        try:
            return float(value)
        except ValueError:
            self._problem(name, "a number")
            return None

    def count(self, name: str) -> int | None:
        value = self.number(name)
        if value is None:
            return None
        if value < 0 or not value.is_integer():
            self._problem(name, "a whole number of people, at least 0")
            return None
        return int(value)

    def date(self, name: str) -> dt.date | None:
        value = self.row.get(name, "").strip()
        if not value:
            return None
        try:
            return dt.date.fromisoformat(value[:10])
        except ValueError:
            self._problem(name, "a date written YYYY-MM-DD hh:mm:ss")
            return None


def _charity_number(table: _Table, line: int, row: dict[str, str], problems: list[Problem]) -> int | None:
    value = row.get("registered_charity_number", "").strip()
    if value.isdigit():
        return int(value)
    problems.append(
        Problem(
            f"{table.file} line {line}",
            "registered_charity_number",
            f"a charity number, digits only (found {value!r})",
            f"{table.file} line {line}",
        )
    )
    return None


def _charities(tables: dict[str, _Table], result: ReadResult[Charity]) -> ReadResult[Charity]:
    by_table: dict[str, dict[int, list[tuple[int, dict[str, str]]]]] = {}
    for name, table in tables.items():
        grouped: dict[int, list[tuple[int, dict[str, str]]]] = defaultdict(list)
        for line, row in table.rows:
            number = _charity_number(table, line, row, result.problems)
            if number is not None:
                grouped[number].append((line, row))
        by_table[name] = grouped
    invalid = set(result.invalid)
    charities = tables["charity"]
    for number, rows in by_table["charity"].items():
        record = f"GB-CHC-{number}"
        main = [
            (line, row) for line, row in rows if row.get("linked_charity_number", "").strip() in ("0", "")
        ]
        linked = len(rows) - len(main)
        if linked:
            result.skipped_counts["linked charity"] = result.skipped_counts.get("linked charity", 0) + linked
            result.skipped.append(
                (
                    record,
                    f"{linked} linked charit{'y' if linked == 1 else 'ies'} registered "
                    f"under {record}: part of the main charity, not organisations of their own",
                )
            )
        if not main:
            continue
        result.total += 1
        line, row = main[0]
        problems: list[Problem] = []
        typed = _Row(charities, line, row, problems, record)
        if typed.text("charity_registration_status").lower() == "removed":
            result.skipped_counts["charity"] = result.skipped_counts.get("charity", 0) + 1
            result.skipped.append((record, f"removed from the register on {typed.date('date_of_removal')}"))
            continue
        charity = Charity(
            number,
            typed.text("charity_name") or record,
            typed.text("charity_contact_postcode"),
            typed.text("charity_company_registration_number"),
            f"{charities.file} line {line}",
        )
        if not charity.name.strip():
            problems.append(Problem(charity.where, "charity_name", "the charity's name", record))
        charity.years = _years(number, tables, by_table, problems, record)
        if problems or record in invalid:
            result.problems.extend(problems)
            if record not in invalid:
                result.invalid.append(record)
                invalid.add(record)
            continue
        result.records.append(charity)
    return result


def _years(
    number: int,
    tables: dict[str, _Table],
    by_table: dict[str, dict[int, list[tuple[int, dict[str, str]]]]],
    problems: list[Problem],
    record: str,
) -> list[CharityYearFigures]:
    periods: dict[dt.date, dict[str, _Row]] = defaultdict(dict)
    for name in (
        "charity_annual_return_history",
        "charity_annual_return_parta",
        "charity_annual_return_partb",
    ):
        if name not in tables:
            continue
        for line, row in by_table[name].get(number, []):
            typed = _Row(tables[name], line, row, problems, record)
            end = typed.date("fin_period_end_date")
            if end is not None:
                periods[end][name] = typed
    years: dict[int, CharityYearFigures] = {}
    for end in sorted(periods):
        rows = periods[end]
        history = rows.get("charity_annual_return_history")
        parta = rows.get("charity_annual_return_parta")
        partb = rows.get("charity_annual_return_partb")
        income = _first(r.number("total_gross_income") for r in (history, parta) if r)
        expenditure = _first(r.number("total_gross_expenditure") for r in (history, parta) if r)
        contracts = parta.number("income_from_government_contracts") if parta else None
        grants = parta.number("income_from_government_grants") if parta else None
        finance = _register_finance(partb, contracts, grants) if partb else None
        if partb is not None:
            income = _first([partb.number("income_total_income_and_endowments"), income])
            expenditure = _first([partb.number("expenditure_total"), expenditure])
        years[end.year] = CharityYearFigures(
            year=end.year,
            period_end=end,
            income=income,
            expenditure=expenditure,
            government_contracts=contracts,
            government_grants=grants,
            reserves=partb.number("reserves") if partb else None,
            employees=partb.count("count_employees") if partb else None,
            volunteers=parta.count("count_volunteers") if parta else None,
            register_finance=finance,
        )
    return [years[y] for y in sorted(years)]


def _first(values: Iterator[float | None] | list[float | None]) -> float | None:
    return next((v for v in values if v is not None), None)


def _register_finance(partb: _Row, contracts: float | None, grants: float | None) -> RegisterFinance | None:
    """Part B's income by SORP category, with part A's government income carved out of it.

    Government contracts pay for charitable activities, so they come out of that line; government grants
    come out of what is left of charitable activities, then out of donations (SORP puts unrestricted
    grants there). Each line is clipped at 0, so the lines sum to part B's total income.
    """
    reserves, expenditure = partb.number("reserves"), partb.number("expenditure_total")
    if reserves is None or expenditure is None:
        return None
    donations = partb.number("income_donations_and_legacies") or 0.0
    charitable = partb.number("income_charitable_activities") or 0.0
    trading = partb.number("income_other_trading_activities") or 0.0
    investments = partb.number("income_investments") or 0.0
    other = partb.number("income_other") or 0.0
    government_contracts = min(max(contracts or 0.0, 0.0), charitable)
    charitable -= government_contracts
    government_grants = max(grants or 0.0, 0.0)
    from_charitable = min(government_grants, charitable)
    charitable -= from_charitable
    from_donations = min(government_grants - from_charitable, donations)
    donations -= from_donations
    income = {
        IncomeSource.GOVERNMENT_CONTRACTS: government_contracts,
        IncomeSource.GOVERNMENT_GRANTS: from_charitable + from_donations,
        IncomeSource.DONATIONS: donations,
        IncomeSource.TRADING: trading + charitable,
        IncomeSource.INVESTMENTS: investments,
        IncomeSource.OTHER: other,
    }
    net_assets = _first([partb.number("assets_total_assets_and_liabilities"), partb.number("funds_total")])
    admin = (partb.number("expenditure_raising_funds") or 0.0) + (
        partb.number("expenditure_governance") or 0.0
    )
    return RegisterFinance(
        income={k: v for k, v in income.items() if v > 0},
        expenditure=max(expenditure, 0.0),
        free_reserves=reserves,
        net_assets=net_assets if net_assets is not None else reserves,
        admin_costs=min(max(admin, 0.0), max(expenditure, 0.0)),
    )
