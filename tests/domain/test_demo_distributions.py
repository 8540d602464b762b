"""The demo city's finances against the published figures they are drawn to (docs/demo-city.md).

Targets and tolerances:
- months of reserves (Clifford & Mohan 2020): share under one month 0.21 +- 0.06; median 3.92 +- 0.8;
- size bands (NCVO Almanac): each band's share of local organisations within 0.05 of the Almanac's;
- government share of income by band (Almanac pattern, per-band figures assumed): within 0.06 of the
  band's figure for bands with at least 20 organisations, and rising from micro to medium; across all
  bodies under £100k, government brings 0.155 +- 0.05 of their combined income (Almanac 2017: 16%;
  Almanac 2018: 15%);
- concentration: at least 60% of micro and small organisations take 80% or more of their income from
  their top two sources (assumption after the Almanac: small groups draw on few sources);
- wards: local organisations' home wards are more deprived on average than the city's wards.
"""

from functools import cache

import numpy as np
import pytest

from netimpact.domain.demo.distributions import (
    RESERVES_MEDIAN_MONTHS,
    RESERVES_SHARE_UNDER_ONE_MONTH,
    SIZE_BANDS,
    SMALL_CHARITIES_GOVERNMENT_SHARE,
    SizeBand,
)
from netimpact.domain.demo_city import build_demo_city
from netimpact.domain.ecosystem import Organisation
from netimpact.domain.indicators import months_of_reserves
from netimpact.domain.vocabulary import IncomeSource

SEEDS = (2026, 1, 99)


@cache
def local_organisations(seed: int) -> list[Organisation]:
    return [o for o in build_demo_city(seed).ecosystem.organisations if o.kind.is_local_ecosystem]


def band_of(income: float) -> SizeBand:
    for band in SIZE_BANDS:
        if income < band.income_to:
            return band
    return SIZE_BANDS[-1]


def government_share(org: Organisation) -> float:
    latest = org.latest_finances
    assert latest is not None and latest.income > 0
    sources = latest.income_by_source
    government = sources.get(IncomeSource.GOVERNMENT_CONTRACTS, 0) + sources.get(
        IncomeSource.GOVERNMENT_GRANTS, 0
    )
    return government / latest.income


@pytest.mark.parametrize("seed", SEEDS)
def test_reserves_follow_clifford_and_mohan(seed: int) -> None:
    months = np.array([months_of_reserves(o.latest_finances) for o in local_organisations(seed)], dtype=float)
    assert not np.isnan(months).any()
    assert (months < 1).mean() == pytest.approx(RESERVES_SHARE_UNDER_ONE_MONTH, abs=0.06)
    assert np.median(months) == pytest.approx(RESERVES_MEDIAN_MONTHS, abs=0.8)


@pytest.mark.parametrize("seed", SEEDS)
def test_size_bands_follow_the_almanac(seed: int) -> None:
    organisations = local_organisations(seed)
    counts = {band.name: 0 for band in SIZE_BANDS}
    for org in organisations:
        latest = org.latest_finances
        assert latest is not None
        counts[band_of(latest.income).name] += 1
    for band in SIZE_BANDS:
        assert counts[band.name] / len(organisations) == pytest.approx(band.share, abs=0.05), band.name


@pytest.mark.parametrize("seed", SEEDS)
def test_government_share_by_band(seed: int) -> None:
    shares: dict[str, list[float]] = {band.name: [] for band in SIZE_BANDS}
    for org in local_organisations(seed):
        latest = org.latest_finances
        assert latest is not None
        shares[band_of(latest.income).name].append(government_share(org))
    means = {}
    for band in SIZE_BANDS:
        if len(shares[band.name]) >= 20:
            means[band.name] = float(np.mean(shares[band.name]))
            assert means[band.name] == pytest.approx(band.government_share, abs=0.06), band.name
    assert means["micro"] < means["small"] < means["medium"]


@pytest.mark.parametrize("seed", SEEDS)
def test_small_organisations_depend_on_one_or_two_sources(seed: int) -> None:
    top_two = []
    for org in local_organisations(seed):
        latest = org.latest_finances
        assert latest is not None
        if latest.income < 100_000:
            amounts = sorted(latest.income_by_source.values(), reverse=True)
            top_two.append(sum(amounts[:2]) / latest.income)
    assert np.mean(np.array(top_two) >= 0.8) >= 0.6


def test_local_groups_cluster_in_more_deprived_wards() -> None:
    city = build_demo_city()
    imd = {w.code: w.imd_score or 0.0 for w in city.ecosystem.wards}
    homes = [imd[o.wards[0]] for o in city.ecosystem.organisations if o.kind.is_local_ecosystem and o.wards]
    assert np.mean(homes) > np.mean(list(imd.values())) + 3


def test_every_organisation_has_three_to_five_years_of_accounts_oldest_first() -> None:
    for org in build_demo_city().ecosystem.organisations:
        years = [fy.year for fy in org.finances]
        assert 3 <= len(years) <= 5, org.id
        assert years == sorted(years) and years[-1] == 2025


@pytest.mark.parametrize("seed", SEEDS)
def test_small_charities_take_about_a_sixth_of_their_income_from_government(seed: int) -> None:
    government = total = 0.0
    for org in local_organisations(seed):
        latest = org.latest_finances
        assert latest is not None
        if latest.income < 100_000:
            government += government_share(org) * latest.income
            total += latest.income
    assert government / total == pytest.approx(SMALL_CHARITIES_GOVERNMENT_SHARE, abs=0.05)
