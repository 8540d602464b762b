"""Months of reserves and the Tuckman & Chang indicators on hand-computed cases."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from netimpact.domain.ecosystem import FinancialYear, Organisation
from netimpact.domain.indicators import (
    ASSUMED_THRESHOLDS,
    admin_cost_ratio,
    equity_ratio,
    financial_year_after,
    indicators_after,
    indicators_by_year,
    latest_indicators,
    months_of_reserves,
    operating_margin,
    peer_thresholds,
    revenue_concentration,
    vulnerability_indicators,
)
from netimpact.domain.vocabulary import IncomeSource, OrgKind

S = IncomeSource


def year(**overrides: object) -> FinancialYear:
    values: dict[str, object] = {
        "year": 2025,
        # £100k income: 60k contracts, 30k trusts, 10k donations
        "income_by_source": {
            S.GOVERNMENT_CONTRACTS: 60_000,
            S.TRUSTS_AND_FOUNDATIONS: 30_000,
            S.DONATIONS: 10_000,
        },
        "expenditure": 96_000,
        "free_reserves": 24_000,
        "net_assets": 40_000,
        "admin_costs": 8_000,
    }
    values.update(overrides)
    return FinancialYear(**values)  # type: ignore[arg-type]


def test_hand_computed_indicators() -> None:
    fy = year()
    assert months_of_reserves(fy) == pytest.approx(24_000 / (96_000 / 12))  # 3.0 months
    assert equity_ratio(fy) == pytest.approx(0.4)
    assert revenue_concentration(fy) == pytest.approx(0.6**2 + 0.3**2 + 0.1**2)  # 0.46
    assert admin_cost_ratio(fy) == pytest.approx(0.08)
    assert operating_margin(fy) == pytest.approx(0.04)
    result = vulnerability_indicators(fy)
    assert result.flags == frozenset()
    assert not result.at_risk and not result.severely_at_risk


def test_a_single_source_has_concentration_one() -> None:
    assert revenue_concentration(year(income_by_source={S.DONATIONS: 5_000})) == 1.0


def test_zero_income_and_expenditure_give_none_not_a_crash() -> None:
    empty = year(income_by_source={}, expenditure=0, free_reserves=0, net_assets=0, admin_costs=0)
    result = vulnerability_indicators(empty)
    assert result.months_of_reserves is None
    assert result.equity_ratio is None
    assert result.revenue_concentration is None
    assert result.admin_cost_ratio is None
    assert result.operating_margin is None
    assert result.flags == frozenset()


def test_spending_with_no_income_is_flagged() -> None:
    result = vulnerability_indicators(year(income_by_source={S.DONATIONS: 0.0}, expenditure=20_000))
    assert result.operating_margin is None
    assert "operating_margin" in result.flags
    assert result.months_of_reserves == pytest.approx(14.4)


def test_thin_and_concentrated_organisation_is_flagged_on_every_indicator() -> None:
    fy = year(
        income_by_source={S.GOVERNMENT_CONTRACTS: 95_000, S.DONATIONS: 5_000},  # HHI 0.905
        expenditure=110_000,  # margin -10%
        free_reserves=5_000,  # 0.55 months
        net_assets=6_000,  # equity ratio 0.06
        admin_costs=2_000,  # admin ratio 0.02
    )
    result = vulnerability_indicators(fy)
    assert result.flags == {
        "equity_ratio",
        "revenue_concentration",
        "admin_cost_ratio",
        "operating_margin",
        "months_of_reserves",
    }
    assert result.at_risk and result.severely_at_risk and result.reserves_flagged


def test_indicators_after_losing_a_contract() -> None:
    fy = year()
    after = indicators_after(fy, -60_000, S.GOVERNMENT_CONTRACTS)
    assert after.income == pytest.approx(40_000)
    assert after.operating_margin == pytest.approx((40_000 - 96_000) / 40_000)  # -1.4
    assert after.equity_ratio == pytest.approx(1.0)
    assert after.revenue_concentration == pytest.approx(0.75**2 + 0.25**2)  # 0.625
    assert after.months_of_reserves == pytest.approx(3.0)  # spending has not been cut yet
    assert "operating_margin" in after.flags
    assert fy.income_by_source[S.GOVERNMENT_CONTRACTS] == 60_000  # the original year is untouched


def test_losing_all_income_gives_none_ratios() -> None:
    fy = year(income_by_source={S.GOVERNMENT_CONTRACTS: 50_000})
    after = indicators_after(fy, -50_000, S.GOVERNMENT_CONTRACTS)
    assert after.income == 0
    assert after.equity_ratio is None and after.operating_margin is None
    assert "operating_margin" in after.flags


def test_a_fall_larger_than_the_source_is_an_error_naming_it() -> None:
    with pytest.raises(ValueError, match="government_contracts"):
        financial_year_after(year(), -70_000, S.GOVERNMENT_CONTRACTS)
    with pytest.raises(ValueError, match="finite"):
        financial_year_after(year(), float("nan"), S.DONATIONS)


def test_a_gain_from_a_new_source() -> None:
    after = indicators_after(year(), 20_000, S.GOVERNMENT_GRANTS)
    assert after.income == pytest.approx(120_000)


def test_series_and_latest() -> None:
    org = Organisation(
        "360G-x-1", "Test", OrgKind.LOCAL_VCSE, finances=[year(year=2025), year(year=2023), year(year=2024)]
    )
    assert [i.year for i in indicators_by_year(org)] == [2023, 2024, 2025]
    latest = latest_indicators(org)
    assert latest is not None and latest.year == 2025
    assert latest_indicators(Organisation("360G-x-2", "Empty", OrgKind.LOCAL_VCSE)) is None


def test_peer_thresholds_follow_the_quintile_rule() -> None:
    # Five peers with equity ratios 0.1..0.5 and margins -0.2..0.2.
    peers = [
        year(net_assets=10_000 * (i + 1), expenditure=100_000 * (1.2 - 0.1 * i), admin_costs=1_000 * (i + 1))
        for i in range(5)
    ]
    thresholds = peer_thresholds(peers)
    assert thresholds.equity_ratio_below == pytest.approx(0.18)  # 20th percentile of 0.1..0.5
    assert thresholds.operating_margin_below == pytest.approx(-0.12)
    assert thresholds.admin_cost_ratio_below == pytest.approx(0.018)
    assert thresholds.concentration_above == pytest.approx(0.46)
    assert thresholds.months_of_reserves_below == ASSUMED_THRESHOLDS.months_of_reserves_below
    flagged = vulnerability_indicators(peers[0], thresholds)
    assert {"equity_ratio", "operating_margin", "admin_cost_ratio"} <= flagged.flags
    with pytest.raises(ValueError):
        peer_thresholds([])
    with pytest.raises(ValueError):
        peer_thresholds(peers, quantile=1.5)


def test_several_sources_change_at_once() -> None:
    from netimpact.domain.indicators import indicators_after_changes

    after = indicators_after_changes(year(), {S.GOVERNMENT_CONTRACTS: -60_000, S.TRADING: 15_000})
    assert after.income == pytest.approx(55_000)
    assert after.revenue_concentration == pytest.approx((30 / 55) ** 2 + (10 / 55) ** 2 + (15 / 55) ** 2)
    with pytest.raises(ValueError, match="trusts_and_foundations"):
        indicators_after_changes(year(), {S.TRUSTS_AND_FOUNDATIONS: -31_000})


def test_explanations_name_each_indicator_and_its_threshold() -> None:
    lines = indicators_after(year(), -60_000, S.GOVERNMENT_CONTRACTS).explain()
    assert len(lines) == 5
    assert lines[0] == "Months of reserves: 3.0 months, not flagged (threshold 1.0 months)"
    assert lines[-1] == "Operating margin: -140.0%, flagged (below +0.0%)"
    empty = vulnerability_indicators(year(income_by_source={}, expenditure=0, free_reserves=0, net_assets=0))
    assert empty.explain()[1] == "Equity ratio (net assets / income): not available (no income recorded)"


amounts = st.floats(min_value=0, max_value=1e8, allow_nan=False)


@given(
    income=st.dictionaries(st.sampled_from(list(S)), amounts, max_size=len(S)),
    expenditure=amounts,
    reserves=amounts,
    loss_share=st.floats(min_value=0, max_value=1),
)
def test_properties_of_the_indicators(
    income: dict[IncomeSource, float], expenditure: float, reserves: float, loss_share: float
) -> None:
    fy = year(income_by_source=income, expenditure=expenditure, free_reserves=reserves)
    result = vulnerability_indicators(fy)
    positive = [v for v in income.values() if v > 0]
    if positive:
        assert result.revenue_concentration is not None
        assert 1 / len(positive) - 1e-9 <= result.revenue_concentration <= 1 + 1e-9
        assert result.operating_margin is not None and result.operating_margin <= 1
    else:
        assert result.revenue_concentration is None
    # No change leaves every figure as it was; a loss never raises the margin or touches the reserves.
    assert indicators_after(fy, 0.0, S.DONATIONS) == result
    if income:
        source = max(income, key=lambda s: income[s])
        after = indicators_after(fy, -income[source] * loss_share, source)
        assert after.months_of_reserves == result.months_of_reserves
        if after.operating_margin is not None and result.operating_margin is not None:
            assert after.operating_margin <= result.operating_margin + 1e-9


def test_register_thresholds_flag_about_a_fifth_of_the_demo_city_on_each_indicator() -> None:
    from netimpact.domain.demo_city import build_demo_city
    from netimpact.domain.indicators import register_thresholds

    eco = build_demo_city().ecosystem
    thresholds = register_thresholds(eco)
    assert "Tuckman & Chang" in thresholds.source
    local = [o.latest_finances for o in eco.organisations if o.kind.is_local_ecosystem]
    results = [vulnerability_indicators(fy, thresholds) for fy in local if fy is not None]
    for name in ("equity_ratio", "admin_cost_ratio", "operating_margin"):
        share = sum(name in r.flags for r in results) / len(results)
        assert share == pytest.approx(0.2, abs=0.01), name
    # Many small groups have a single source (HHI 1): tied at the extreme, they are all in the quintile.
    single_source = [r for r in results if r.revenue_concentration == 1.0]
    assert len(single_source) > 0.2 * len(results)
    assert all("revenue_concentration" in r.flags for r in single_source)
    assert any(r.at_risk for r in results)
