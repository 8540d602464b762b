"""The Charity Commission extract: the real sample reads; linked and removed charities are left out by
rule; finances per year carve the government share out of part B; a broken row names the table and line."""

from __future__ import annotations

import io
import shutil
import zipfile
from pathlib import Path

import pytest

from netimpact.domain.vocabulary import IncomeSource
from netimpact.standards import ccew


def test_the_real_extract_reads_without_problems(shared: Path) -> None:
    result = ccew.read(shared / "ccew")
    assert result.problems == []
    # 200 registration numbers; 572 rows including linked charities; 175 rows are removed charities.
    assert result.total == 200
    removed = [why for _, why in result.skipped if why.startswith("removed")]
    assert len(result.records) + len(removed) == 200
    assert all(c.org_id.startswith("GB-CHC-") for c in result.records)
    linked = [why for _, why in result.skipped if "linked charit" in why]
    assert linked  # the sample has main charities with linked ones under the same number


def test_a_charity_with_part_b_gets_register_finances(shared: Path) -> None:
    charities = {c.number: c for c in ccew.read(shared / "ccew").records}
    charity = charities[207237]
    year = next(y for y in charity.years if y.year == 2022)
    finance = year.register_finance
    assert finance is not None
    assert finance.expenditure == 2550072
    assert finance.free_reserves == 544372
    assert finance.net_assets == 21660104
    assert finance.admin_costs == 273118 + 68724  # raising funds + governance
    # The lines sum to part B's total income (endowments aside) and hold part A's government grants.
    assert sum(finance.income.values()) == pytest.approx(1232441 + 40019 + 627458 + 510623 + 11444)
    assert finance.income[IncomeSource.GOVERNMENT_GRANTS] == year.government_grants
    assert charity.employees == 32


def test_years_without_part_b_keep_income_but_no_register_finance(shared: Path) -> None:
    result = ccew.read(shared / "ccew")
    plain_years = [y for c in result.records for y in c.years if y.register_finance is None]
    assert plain_years
    assert all(y.reserves is None for y in plain_years)
    assert any(y.income is not None for y in plain_years)


def test_a_zip_of_the_tables_reads_like_the_folder(shared: Path) -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for path in (shared / "ccew").glob("publicextract.*.txt"):
            archive.write(path, path.name)
    from_zip = ccew.read_bytes(buffer.getvalue(), "extract.zip")
    from_folder = ccew.read(shared / "ccew")
    assert [c.org_id for c in from_zip.records] == [c.org_id for c in from_folder.records]


def test_a_row_broken_across_lines_names_the_table_line_and_charity(shared: Path, tmp_path: Path) -> None:
    for path in (shared / "ccew").glob("publicextract.charity*.txt"):
        shutil.copy(path, tmp_path / path.name)
    table = tmp_path / "publicextract.charity_annual_return_partb.txt"
    lines = table.read_bytes().split(b"\r\n")
    cells = lines[1].split(b"\t")
    number = cells[2].decode()
    # Break the first record across two lines in the middle of a field, as real malformed extracts do.
    lines[1:2] = [b"\t".join(cells[:12]), b"\t".join(cells[12:])]
    table.write_bytes(b"\r\n".join(lines))
    result = ccew.read(tmp_path)
    broken = [p for p in result.problems if p.where == "publicextract.charity_annual_return_partb.txt line 2"]
    assert broken and broken[0].record == f"GB-CHC-{number}"
    assert "tab-separated fields as in the header" in broken[0].expected
    assert f"GB-CHC-{number}" in result.invalid


def test_a_field_that_does_not_parse_is_named(shared: Path, tmp_path: Path) -> None:
    for path in (shared / "ccew").glob("publicextract.charity*.txt"):
        shutil.copy(path, tmp_path / path.name)
    table = tmp_path / "publicextract.charity_annual_return_partb.txt"
    lines = table.read_bytes().decode("utf-8").split("\r\n")
    header = lines[0].split("\t")
    cells = lines[1].split("\t")
    cells[header.index("reserves")] = "lots"
    lines[1] = "\t".join(cells)
    table.write_bytes("\r\n".join(lines).encode("utf-8"))
    result = ccew.read(tmp_path)
    found = [(p.where, p.field, p.expected) for p in result.problems]
    assert (
        "publicextract.charity_annual_return_partb.txt line 2",
        "reserves",
        "a number (found 'lots')",
    ) in found


def test_without_the_charity_table_nothing_can_be_read(tmp_path: Path) -> None:
    result = ccew.read(tmp_path)
    assert not result.readable
    assert "publicextract.charity.txt" in result.problems[0].expected
