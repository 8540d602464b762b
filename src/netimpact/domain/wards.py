"""Bristol's 34 wards (2016 boundaries) with their IMD 2019 scores, read from the packaged copy.

The CSV is a byte-for-byte copy of shared/data/geo/bristol_wards_2016_imd2019.csv (derived by the
project from MHCLG's English Indices of Deprivation 2019, aggregated to wards by humaniverse/IMD; OGL v3).
See src/netimpact/domain/data/README.md.
"""

from __future__ import annotations

import csv
import io
from importlib import resources

from .ecosystem import Ward

BRISTOL_WARDS_FILE = "bristol_wards_2016_imd2019.csv"
BRISTOL_LAD_CODE = "E06000023"  # ONS code of the City of Bristol local authority

_COLUMNS = (
    "WD_CODE",
    "WD_NAME",
    "imd2019_score_ward2020",
    "imd2019_extent",
    "imd2019_proportion_lsoas_in_most_deprived_10pct",
)


def bristol_wards_csv() -> bytes:
    """The packaged file's bytes (tests compare them with the shared copy)."""
    return resources.files("netimpact.domain.data").joinpath(BRISTOL_WARDS_FILE).read_bytes()


def load_bristol_wards() -> list[Ward]:
    """The 34 Bristol wards in file order (by ward code), each with its IMD 2019 score, extent and share."""
    text = bristol_wards_csv().decode("utf-8")
    reader = csv.DictReader(io.StringIO(text))
    missing = [c for c in _COLUMNS if c not in (reader.fieldnames or [])]
    if missing:
        raise ValueError(f"{BRISTOL_WARDS_FILE}: missing column(s) {', '.join(missing)}")
    return [_ward_from_row(row, line) for line, row in enumerate(reader, start=2)]


def _ward_from_row(row: dict[str, str], line: int) -> Ward:
    return Ward(
        code=row["WD_CODE"].strip(),
        name=row["WD_NAME"].strip(),
        imd_score=_number(row, "imd2019_score_ward2020", line),
        imd_extent=_number(row, "imd2019_extent", line),
        imd_proportion_most_deprived=_number(row, "imd2019_proportion_lsoas_in_most_deprived_10pct", line),
    )


def _number(row: dict[str, str], column: str, line: int) -> float | None:
    raw = (row.get(column) or "").strip()
    if not raw:
        return None
    try:
        return float(raw)
    except ValueError:
        raise ValueError(
            f"{BRISTOL_WARDS_FILE} line {line}, column {column}: expected a number, got {raw!r}"
        ) from None
