"""Any finite amount a generator or importer produces comes back from the database bit for bit."""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from netimpact.domain.ecosystem import FinancialYear
from netimpact.domain.vocabulary import IncomeSource
from netimpact.web.register.store import load_ecosystem, save_ecosystem

from .cities import small_city

pytestmark = pytest.mark.django_db

amounts = st.floats(min_value=0, max_value=1e15, allow_nan=False, allow_infinity=False)
signed = st.floats(min_value=-1e15, max_value=1e15, allow_nan=False, allow_infinity=False)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    income=st.dictionaries(st.sampled_from(list(IncomeSource)), amounts, max_size=len(IncomeSource)),
    expenditure=amounts,
    reserves=signed,
    net_assets=signed,
    capacity=amounts,
)
def test_amounts_round_trip_exactly(income, expenditure, reserves, net_assets, capacity):
    eco = small_city().ecosystem
    eco.organisations[1].finances = [FinancialYear(2025, income, expenditure, reserves, net_assets)]
    eco.services[0].capacity_per_year = capacity

    save_ecosystem(eco)

    assert load_ecosystem() == eco
