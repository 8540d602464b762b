"""The demo city: Bristol's real wards, some 300 fictional organisations and a drug and alcohol exercise.

`build_demo_city(seed)` is deterministic for a seed. The story (three incumbent charities, a hub, a peer
group living on a subcontract, the exercise and three bids) is fixed; the background city around it is
drawn from published distributions (see docs/demo-city.md). Every organisation is fictional.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .commissioning import Bid, Exercise
from .demo import drug_alcohol as story
from .demo.drug_alcohol import CAST, DemoCast
from .demo.population import build_background
from .ecosystem import Ecosystem
from .wards import load_bristol_wards

DEFAULT_SEED = 2026
REGISTER_YEAR = 2026  # the year the register describes (the appraisal's year 0)

__all__ = ["DEFAULT_SEED", "DemoCast", "DemoCity", "build_demo_city"]


@dataclass(slots=True)
class DemoCity:
    ecosystem: Ecosystem
    exercise: Exercise
    bids: list[Bid]
    cast: DemoCast | None = None  # who plays which part in the story (ids), for pages, tests and docs


def build_demo_city(seed: int = DEFAULT_SEED) -> DemoCity:
    """The demo city for `seed`: the same seed always gives an equal city."""
    rng = np.random.default_rng(seed)
    wards = load_bristol_wards()
    organisations = story.story_organisations()
    services = story.story_services()
    background = build_background(
        rng,
        wards,
        first_number=story.STORY_ORG_COUNT + 1,
        latest_year=story.LATEST_YEAR,
        funders=(story.COUNCIL_ID, [story.ORG["icb"], story.ORG["mh_trust"]], story.ORG["foundation"]),
        taken_names={o.name for o in organisations},
        story_services=services,
    )
    ecosystem = Ecosystem(
        name="Bristol demo city (fictional organisations on Bristol's real wards)",
        wards=wards,
        organisations=organisations + background.organisations,
        services=services + background.services,
        funding=story.story_funding() + background.funding,
        referrals=story.story_referrals() + background.referrals,
        shared_premises=story.story_shared_premises() + background.shared_premises,
        joint_delivery=story.story_joint_delivery() + background.joint_delivery,
        cohorts=story.story_cohorts(),
        year=REGISTER_YEAR,
    )
    return DemoCity(ecosystem=ecosystem, exercise=story.story_exercise(), bids=story.story_bids(), cast=CAST)
