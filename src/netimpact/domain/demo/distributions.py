"""The published figures the demo city's finances are drawn to match, each with its source.

docs/demo-city.md sets these out with full references; tests/domain/test_demo_distributions.py checks the
generated city against them.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import stats

from ..vocabulary import IncomeSource


@dataclass(frozen=True, slots=True)
class SizeBand:
    name: str
    income_from: float  # £ a year, inclusive
    income_to: float  # £ a year, exclusive
    share: float  # share of voluntary organisations in the band
    government_share: float  # mean share of income from government (contracts and grants)
    government_contract_share: float  # of that government income, the share that is contracts


# Bands and shares: NCVO UK Civil Society Almanac (2011/12 data, as tabulated in the Open University's
# "Introducing the voluntary sector", Table 1): micro 51.1%, small 32.8%, medium 13.2%, large 2.6%,
# major 0.3% of 161,266 organisations. Later Almanacs give the same shape (2018/19: micro and small 80%).
# The major band's top is the project's cap for a local city (assumption): no Bristol VCSE is a £100m body.
# Government share by band: the Almanac reports government as about 29% of sector income (2017/18), a share
# that rises with size (smaller organisations rely more on the public); micro and small charities together
# take 16% of their income from government (Almanac 2017, "Top facts about small charities") or 15%
# (Almanac 2018). The per-band figures are the project's reading of that pattern, labelled as assumptions in
# docs/demo-city.md; the tests check the 15-16% aggregate.
SMALL_CHARITIES_GOVERNMENT_SHARE = 0.155  # income-weighted, bodies under £100k (Almanac 2017: 16%; 2018: 15%)
# Contract share of government income rises with size (Almanac: most government income to larger
# organisations is contracts and fees; small groups mostly get grants). Figures are assumptions.
SIZE_BANDS: tuple[SizeBand, ...] = (
    SizeBand("micro", 1_000, 10_000, 0.511, 0.06, 0.10),
    SizeBand("small", 10_000, 100_000, 0.328, 0.16, 0.30),
    SizeBand("medium", 100_000, 1_000_000, 0.132, 0.27, 0.60),
    SizeBand("large", 1_000_000, 10_000_000, 0.026, 0.34, 0.80),
    SizeBand("major", 10_000_000, 25_000_000, 0.003, 0.33, 0.85),
)

# Clifford & Mohan (2020), charities in England and Wales with income >= £500k (Third Sector's report of
# the paper): months of reserves at the 10th percentile 0.02, 25th 1.32, median 3.92, 90th 41; 21% held
# less than one month. The 21% point (1.0 month) is placed directly; the 75th percentile is interpolated
# log-linearly between the median and the 90th (assumption); the ends (0 and 72 months) are assumptions.
RESERVES_QUANTILES: tuple[tuple[float, float], ...] = (
    (0.00, 0.0),
    (0.10, 0.02),
    (0.21, 1.0),
    (0.25, 1.32),
    (0.50, 3.92),
    (0.75, 16.9),
    (0.90, 41.0),
    (1.00, 72.0),
)
RESERVES_SHARE_UNDER_ONE_MONTH = 0.21
RESERVES_MEDIAN_MONTHS = 3.92

# Concentration: Beta concentration parameter for each organisation's government share. A small value makes
# the share U-shaped (most groups get nothing or nearly everything from government), as small VCSE depend
# on one or two sources. Assumption, checked against the "one or two sources" target in the tests.
GOVERNMENT_SHARE_CONCENTRATION = {"micro": 0.6, "small": 1.0, "medium": 2.0, "large": 4.0, "major": 6.0}

# Number of income sources by band: (smallest, largest), drawn uniformly. Assumption after the Almanac's
# finding that smaller organisations draw on fewer sources.
SOURCE_COUNT = {"micro": (1, 2), "small": (1, 3), "medium": (2, 4), "large": (3, 5), "major": (4, 6)}

# Relative weight of the non-government sources, by kind of organisation (assumption; Almanac: the public,
# through donations and trading, is the largest source overall; faith groups lean on donations).
NON_GOVERNMENT_WEIGHTS = {
    "local_vcse": {
        IncomeSource.TRUSTS_AND_FOUNDATIONS: 3.0,
        IncomeSource.DONATIONS: 3.0,
        IncomeSource.TRADING: 2.0,
        IncomeSource.INVESTMENTS: 0.3,
        IncomeSource.OTHER: 0.5,
    },
    "faith_group": {
        IncomeSource.TRUSTS_AND_FOUNDATIONS: 1.0,
        IncomeSource.DONATIONS: 6.0,
        IncomeSource.TRADING: 1.0,
        IncomeSource.INVESTMENTS: 0.5,
        IncomeSource.OTHER: 0.5,
    },
    "social_enterprise": {
        IncomeSource.TRUSTS_AND_FOUNDATIONS: 1.0,
        IncomeSource.DONATIONS: 0.5,
        IncomeSource.TRADING: 8.0,
        IncomeSource.INVESTMENTS: 0.2,
        IncomeSource.OTHER: 0.5,
    },
}

# Operating margin of a year: normal, mean 1%, sd 8%, clipped to +-30% (assumption; the Almanac reports
# sector spending close to income year on year).
MARGIN_MEAN, MARGIN_SD, MARGIN_CLIP = 0.01, 0.08, 0.30
# Administrative (governance and fundraising) costs as a share of spending: uniform 3%..15% (assumption;
# the Almanac reports fundraising at 1-2.2% of spending for micro to medium bodies, governance higher).
ADMIN_SHARE_RANGE = (0.03, 0.15)


def band_counts(total: int) -> dict[str, int]:
    """How many organisations of `total` fall in each band, by largest remainder, so shares hold exactly."""
    raw = np.array([band.share for band in SIZE_BANDS]) * total
    counts = np.floor(raw).astype(int)
    remainder = total - int(counts.sum())
    for index in np.argsort(-(raw - counts))[:remainder]:
        counts[index] += 1
    return {band.name: int(count) for band, count in zip(SIZE_BANDS, counts, strict=True)}


def stratified_uniforms(rng: np.random.Generator, n: int) -> np.ndarray:
    """n draws in [0, 1), one in each of n equal strata, shuffled: a small sample that keeps its quantiles."""
    return (rng.permutation(n) + rng.random(n)) / n


def reserves_months(uniforms: np.ndarray) -> np.ndarray:
    """Months of reserves at the given cumulative probabilities, on Clifford & Mohan's quantiles."""
    probabilities = np.array([p for p, _ in RESERVES_QUANTILES])
    months = np.array([m for _, m in RESERVES_QUANTILES])
    return np.interp(uniforms, probabilities, months)


def government_shares(band: SizeBand, uniforms: np.ndarray) -> np.ndarray:
    """Government shares of income at the given cumulative probabilities: Beta around the band's mean.

    Shares under 3% are set to none and over 97% to all (a group either has a council grant or not).
    """
    concentration = GOVERNMENT_SHARE_CONCENTRATION[band.name]
    mean = band.government_share
    shares = stats.beta.ppf(uniforms, mean * concentration, (1 - mean) * concentration)
    return np.where(shares < 0.03, 0.0, np.where(shares > 0.97, 1.0, shares))
