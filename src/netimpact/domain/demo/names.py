"""Fictional names and identifiers for the demo city's organisations.

Every demo organisation is invented. Names are built from made-up place words (no Bristol ward, district
or street names) so that none reads as a real Bristol charity, and identifiers use 360Giving's scheme for
organisations with no registered number (360G-...), so none can be mistaken for a real charity or company
number. The commissioning council alone keeps its real Org-ID, GB-LAE-BST, with a name marked as a demo
record.
"""

from __future__ import annotations

import numpy as np

DEMO_ID_PREFIX = "360G-netimpactdemo-"  # 360Giving: "360G-" + a publisher prefix + the publisher's own id


def demo_org_id(number: int) -> str:
    return f"{DEMO_ID_PREFIX}{number:04d}"


# Invented place words. Checked by hand against Bristol's 34 ward names and well-known districts.
PLACE_WORDS: tuple[str, ...] = (
    "Wrenmoor",
    "Eskerfield",
    "Brindlecombe",
    "Cressbrook",
    "Oakhollow",
    "Dunlin Row",
    "Larkhill Row",
    "Fernleigh",
    "Copperbeech",
    "Millpond",
    "Fallowgate",
    "Rookwood",
    "Brackenford",
    "Thistledown",
    "Willowmere",
    "Ashcombe Vale",
    "Sparrowfield",
    "Cinderbank",
    "Marlowgate",
    "Heronsford",
    "Quillfield",
    "Amberley Yard",
    "Foxcote",
    "Juniper Lane",
    "Nettlecombe",
    "Orchardine",
    "Pebblewick",
    "Ravensmead",
    "Saltersbrook",
    "Teaselby",
    "Upcott Green",
    "Violet Row",
    "Wheelwright Yard",
    "Yarrowdale",
    "Elderbridge",
    "Goldthorn",
    "Hazelhurst",
    "Ivybank",
    "Kingfisher Reach",
    "Linnetfield",
    "Moorhen Quay",
    "Nutmeg Court",
    "Osierbed",
    "Plover Street",
    "Quarrymoor",
    "Reedsmouth",
    "Swallowcliff",
    "Tinmill",
    "Umberfield",
    "Vetchworth",
    "Weaverslade",
    "Yewtree Court",
    "Alderwick",
    "Blackthorn Rise",
    "Chalkwell Yard",
    "Dovecote",
    "Emberton",
    "Flaxfield",
    "Gorsebank",
    "Harrowgate Mill",
)

THEME_NAME_PATTERNS: dict[str, tuple[str, ...]] = {
    "youth": ("{place} Youth Project", "{place} Young People's Trust", "{place} Youth Club"),
    "food": ("{place} Community Pantry", "{place} Food Network", "{place} Community Kitchen"),
    "wellbeing": (
        "{place} Wellbeing Circle",
        "{place} Mental Health Peer Network",
        "{place} Listening Space",
    ),
    "older_people": ("{place} Friendship Club", "{place} Lunch Club", "{place} Good Neighbours"),
    "employment": ("{place} Skills Workshop", "{place} Jobs Club", "{place} Learning Exchange"),
    "money": ("{place} Money Advice", "{place} Benefits Advice Project", "{place} Debt Help"),
    "domestic_abuse": (
        "{place} Women's Safety Network",
        "{place} Domestic Abuse Support",
        "{place} Safe Space",
    ),
    "housing": ("{place} Housing Support", "{place} Tenancy Project", "{place} Homeless Action"),
    "family": ("{place} Family Centre", "{place} Parents Together", "{place} Family Link"),
    "health": ("{place} Health Walks", "{place} Healthy Living Project", "{place} Carers' Circle"),
    "justice": ("{place} Resettlement Project", "{place} Second Chances", "{place} Through the Gate"),
    "community": ("{place} Community Association", "{place} Residents' Forum", "{place} Arts Collective"),
}

FAITH_NAME_PATTERNS: tuple[str, ...] = (
    "{place} Chapel Community Project",
    "{place} Baptist Welcome Centre",
    "{place} Gurdwara Langar",
    "{place} Mosque Community Kitchen",
    "{place} Friends Meeting Lunch Club",
    "{place} Methodist Drop-in",
    "{place} Parish Community Larder",
    "{place} Pentecostal Fellowship Outreach",
)

SOCIAL_ENTERPRISE_NAME_PATTERNS: tuple[str, ...] = (
    "{place} Bike Works CIC",
    "{place} Café CIC",
    "{place} Reuse Shop CIC",
    "{place} Growers CIC",
    "{place} Print Co-operative",
    "{place} Laundry CIC",
)

PUBLIC_NAME_PATTERNS: tuple[str, ...] = (
    "{place} Library and Community Hub (demo record)",
    "{place} Children's Centre (demo record)",
    "{place} Academy (demo record)",
    "{place} Adult Learning Service (demo record)",
)

NHS_NAME_PATTERNS: tuple[str, ...] = (
    "{place} Primary Care Network (demo record)",
    "{place} Community Health Services (demo record)",
)

OUTSIDE_PROVIDER_NAME_PATTERNS: tuple[str, ...] = (
    "{place} Support Services Ltd",
    "{place} Living Group",
    "{place} Care Partnership Ltd",
)

PRIVATE_NAME_PATTERNS: tuple[str, ...] = (
    "{place} Catering Ltd",
    "{place} Facilities Ltd",
    "{place} Cleaning Ltd",
)


class NamePool:
    """Draws fictional names without repeats, skipping any name already taken (e.g. by the story)."""

    def __init__(self, rng: np.random.Generator, taken: set[str]) -> None:
        self._rng = rng
        self._taken = set(taken)

    def draw(self, patterns: tuple[str, ...]) -> str:
        for _ in range(200):
            pattern = patterns[int(self._rng.integers(len(patterns)))]
            name = pattern.format(place=PLACE_WORDS[int(self._rng.integers(len(PLACE_WORDS)))])
            if name not in self._taken:
                self._taken.add(name)
                return name
        raise RuntimeError(f"ran out of fictional names for patterns {patterns[0]!r}...")
