"""Bristol's wards, read from the packaged copy of the shared open data file."""

import pytest

from netimpact.domain.wards import bristol_wards_csv, load_bristol_wards
from netimpact.paths import shared_data_dir


def test_34_wards_with_codes_e05010885_to_e05010918() -> None:
    wards = load_bristol_wards()
    assert len(wards) == 34
    assert [w.code for w in wards] == [f"E0501{n:04d}" for n in range(885, 919)]
    assert len({w.name for w in wards}) == 34


def test_imd_scores_are_read_as_numbers() -> None:
    by_name = {w.name: w for w in load_bristol_wards()}
    # The most and least deprived wards in the IMD 2019 ward scores.
    assert max(by_name.values(), key=lambda w: w.imd_score or 0).name == "Hartcliffe and Withywood"
    assert min(by_name.values(), key=lambda w: w.imd_score or 0).name == "Westbury-on-Trym and Henleaze"
    ashley = by_name["Ashley"]
    assert ashley.imd_score == pytest.approx(29.326138967377346)
    assert ashley.imd_extent == pytest.approx(0.40521773223194124)
    assert ashley.imd_proportion_most_deprived == pytest.approx(0.1)


def test_packaged_file_is_byte_identical_to_the_shared_copy() -> None:
    shared = shared_data_dir() / "geo" / "bristol_wards_2016_imd2019.csv"
    if not shared.exists():
        pytest.skip(f"shared data not present at {shared}")
    assert bristol_wards_csv() == shared.read_bytes()
