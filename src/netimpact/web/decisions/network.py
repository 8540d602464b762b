"""The city's network before and after an award, from a stored evaluation run: the table every reader
can use, and a drawing of the funding ties and the distress that passes along them.

The table is the source of truth: every organisation whose funding ties or distress the award changes,
with its funding in those ties before and after, its distress before and after, and why (the engine's
own sentence for an organisation at risk). The drawing (server-rendered SVG, so it is in the PDF too; the
page's script makes it interactive) shows the same organisations and ties, laid out in three columns:
funders, the organisations the contract moves between, and the organisations touched through them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from netimpact.engine.explanation import money

BEFORE, AFTER = "before", "after"
FUNDING, CONTRACT, PASSED_ON, DISTRESS = "funding", "contract", "passed_on", "distress"
MAX_DRAWN = 40  # organisations in the drawing; the table lists every one
WIDTH, ROW, TOP, NODE_RADIUS = 720, 46, 30, 9
COLUMNS = (110, 360, 610)
LABEL_CHARS = 26
INK, BEFORE_TIE, AFTER_TIE, DISTRESS_TIE = "#0b0c0c", "#505a5f", "#1d70b8", "#d4351c"


@dataclass(slots=True)
class Change:
    """One organisation in the table: what the award does to its funding ties and its distress."""

    organisation: str
    name: str
    role: str  # its part in the award, in words
    funding_before: float  # £ a year in the ties the award changes
    funding_after: float
    distress_after: float | None  # central estimate, 0..1; None: under the at-risk threshold
    distress_after_low: float | None = None
    distress_after_high: float | None = None
    closure_probability: float | None = None
    why: str = ""

    @property
    def change(self) -> float:
        return self.funding_after - self.funding_before


@dataclass(frozen=True, slots=True)
class Tie:
    source: str
    target: str
    state: str  # BEFORE or AFTER
    kind: str  # FUNDING, CONTRACT, PASSED_ON, DISTRESS
    label: str  # in words, e.g. "£620k contract"


@dataclass(slots=True)
class Network:
    bid: str
    bid_title: str
    changes: list[Change]
    ties: list[Tie]
    names: dict[str, str]
    positions: dict[str, tuple[float, float]] = field(default_factory=dict)
    height: int = 0
    threshold: float = 0.0
    left_out: int = 0  # organisations in the table but not drawn (MAX_DRAWN)

    def as_json(self) -> dict[str, Any]:
        """What the page's script draws: the same organisations, positions and ties as the SVGs."""
        changes = {c.organisation: c for c in self.changes}
        return {
            "width": WIDTH,
            "height": self.height,
            "nodes": [
                {
                    "id": org,
                    "name": self.names.get(org, org),
                    "x": round(x, 1),
                    "y": round(y, 1),
                    "atRisk": org in changes and changes[org].distress_after is not None,
                    "summary": node_summary(org, self.names, changes.get(org), self.ties),
                }
                for org, (x, y) in self.positions.items()
            ],
            "ties": [
                {"source": t.source, "target": t.target, "state": t.state, "kind": t.kind, "label": t.label}
                for t in self.ties
                if t.source in self.positions and t.target in self.positions
            ],
        }


def build(result: dict[str, Any], labels: dict[str, Any], bid_id: str, commissioner: str) -> Network:
    """The network for awarding to `bid_id`, read from a run's result and labels."""
    bid = next(b for b in result["bids"] if b["bid"] == bid_id)
    names: dict[str, str] = dict(labels.get("organisations", {}))
    threshold = float(result["parameters"]["parameters"].get("at_risk_threshold", {}).get("value") or 0.0)
    streams = result["status_quo"]["replaced_streams"]
    ties: list[Tie] = []
    for s in streams:
        ties.append(
            Tie(s["funder"], s["recipient"], BEFORE, FUNDING, f"{money(s['amount_per_year'])} {s['kind']}")
        )
    ties.append(
        Tie(commissioner, bid["bidder"], AFTER, CONTRACT, f"{money(bid['price_per_year'])} a year contract")
    )
    shift = {row["organisation"]: row for row in bid["funding_shift"]}
    for org, row in shift.items():
        names.setdefault(org, row["name"])
        if org != bid["bidder"] and row["income_gained_per_year"] > 0:
            ties.append(
                Tie(
                    bid["bidder"],
                    org,
                    AFTER,
                    PASSED_ON,
                    f"{money(row['income_gained_per_year'])} a year passed on by the bidder (claims weighted "
                    "by their evidence)",
                )
            )
    risks = {r["organisation"]: r for r in bid["organisations_at_risk"]}
    seen_links: set[tuple[str, str]] = set()
    for org, risk in risks.items():
        names.setdefault(org, risk["name"])
        links = [(link, link["organisation"], org) for link in risk["received_from"]]
        links += [(link, org, link["organisation"]) for link in risk["passed_on_to"]]
        for link, source, target in links:
            names.setdefault(link["organisation"], link["name"])
            if (source, target) in seen_links:
                continue
            seen_links.add((source, target))
            ties.append(
                Tie(
                    source,
                    target,
                    AFTER,
                    DISTRESS,
                    f"{link['distress']:.0%} distress through {', '.join(link['through']) or 'their ties'}",
                )
            )
    changes = _changes(bid, streams, shift, risks, names, commissioner)
    network = Network(bid_id, bid["title"], changes, ties, names, threshold=threshold)
    _lay_out(network, commissioner, streams, bid["bidder"])
    return network


def _changes(
    bid: dict[str, Any],
    streams: list[dict[str, Any]],
    shift: dict[str, dict[str, Any]],
    risks: dict[str, dict[str, Any]],
    names: dict[str, str],
    commissioner: str,
) -> list[Change]:
    incumbents = {s["recipient"] for s in streams}
    rows: list[Change] = []
    for org in [*shift, *(o for o in risks if o not in shift)]:
        row, risk = shift.get(org), risks.get(org)
        lost = row["income_lost_per_year"] if row else 0.0
        gained = row["income_gained_per_year"] if row else 0.0
        if org == bid["bidder"]:
            role = "the bidder" + (" and an incumbent" if org in incumbents else "")
        elif org in incumbents:
            role = "an incumbent losing a replaced contract"
        elif gained > 0:
            role = "a partner the bid passes money to"
        else:
            role = "touched through its ties to organisations in distress"
        if risk:
            why = risk["sentence"]
        else:
            parts = []
            if lost:
                parts.append(f"loses {money(lost)} a year of replaced funding")
            if gained:
                parts.append(f"gains {money(gained)} a year under the bid")
            why = (
                f"{names.get(org, org)}: "
                + ("; ".join(parts) or "no change in its funding ties")
                + ("; stays under the at-risk threshold of distress.")
            )
        rows.append(
            Change(
                organisation=org,
                name=names.get(org, org),
                role=role,
                funding_before=lost,
                funding_after=gained,
                distress_after=risk["final_distress"] if risk else None,
                distress_after_low=risk["final_distress_low"] if risk else None,
                distress_after_high=risk["final_distress_high"] if risk else None,
                closure_probability=risk["closure_probability"] if risk else None,
                why=why,
            )
        )
    # Biggest harm first: closure, then distress, then the largest loss.
    rows.sort(key=lambda c: (-(c.closure_probability or 0), -(c.distress_after or 0), c.change, c.name))
    return rows


def _lay_out(network: Network, commissioner: str, streams: list[dict[str, Any]], bidder: str) -> None:
    """Three columns: funders; the bidder and the incumbents; everyone else touched. Deterministic."""
    funders = list(dict.fromkeys([commissioner, *(s["funder"] for s in streams)]))
    middle = list(dict.fromkeys([bidder, *(s["recipient"] for s in streams)]))
    middle = [o for o in middle if o not in funders]
    placed = set(funders) | set(middle)
    rest = [c.organisation for c in network.changes if c.organisation not in placed]
    for tie in network.ties:
        for org in (tie.source, tie.target):
            if org not in placed and org not in rest:
                rest.append(org)
    budget = MAX_DRAWN - len(funders) - len(middle)
    network.left_out = max(0, len(rest) - budget)
    rest = rest[: max(budget, 0)]
    tallest = max(len(funders), len(middle), len(rest), 1)
    network.height = TOP * 2 + ROW * tallest
    for column, orgs in zip(COLUMNS, (funders, middle, rest), strict=True):
        offset = TOP + (tallest - len(orgs)) * ROW / 2 + ROW / 2
        for index, org in enumerate(orgs):
            network.positions[org] = (float(column), offset + index * ROW)


def node_summary(org: str, names: dict[str, str], change: Change | None, ties: list[Tie]) -> dict[str, Any]:
    """One organisation's ties before and after, in words, for the drawing's details panel."""

    def words(state: str) -> list[str]:
        found = []
        for t in ties:
            if t.state != state or org not in (t.source, t.target):
                continue
            other = names.get(t.target if t.source == org else t.source, "")
            direction = "to" if t.source == org else "from"
            found.append(f"{t.label} {direction} {other}")
        return found

    return {
        "before": words(BEFORE),
        "after": words(AFTER),
        "why": change.why if change else "",
    }


def svg(network: Network, state: str, chart_id: str) -> SafeString:
    """The network in one state (BEFORE or AFTER) as an accessible image: title, description, and the
    names written beside each organisation. Ties of the other state are not drawn."""
    cid = escape(chart_id)
    shown = [
        t
        for t in network.ties
        if t.state == state and t.source in network.positions and t.target in network.positions
    ]
    title = (
        "The network before the award: the replaced funding streams"
        if state == BEFORE
        else f"The network after awarding to {network.bid_title}: the contract, the money passed on and the "
        "distress that follows"
    )
    desc = (
        "; ".join(
            f"{network.names.get(t.source, t.source)} to {network.names.get(t.target, t.target)}: {t.label}"
            for t in shown
        )
        or "No ties change."
    )
    at_risk = {c.organisation for c in network.changes if c.distress_after is not None}
    parts = [
        f'<svg class="ni-chart ni-network" id="{cid}" role="img" viewBox="0 0 {WIDTH} {network.height}" '
        f'width="100%" aria-labelledby="{cid}-title {cid}-desc" xmlns="http://www.w3.org/2000/svg" '
        'preserveAspectRatio="xMinYMin meet">',
        f'<title id="{cid}-title">{escape(title)}</title>',
        f'<desc id="{cid}-desc">{escape(desc)}</desc>',
        *_legend(),
    ]
    for t in shown:
        (x1, y1), (x2, y2) = network.positions[t.source], network.positions[t.target]
        colour, dash = _tie_style(t)
        parts.append(
            f'<line x1="{x1:.1f}" y1="{y1:.1f}" x2="{x2:.1f}" y2="{y2:.1f}" stroke="{colour}" '
            f'stroke-width="2.5"{dash}/>'
        )
    for org, (x, y) in network.positions.items():
        risky = state == AFTER and org in at_risk
        fill = DISTRESS_TIE if risky else "#ffffff"
        parts.append(
            f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{NODE_RADIUS}" fill="{fill}" '
            f'stroke="{INK}" stroke-width="2"/>'
        )
        label = _short(network.names.get(org, org)) + (" (at risk)" if risky else "")
        parts.append(
            f'<text x="{x:.1f}" y="{y - NODE_RADIUS - 5:.1f}" font-size="13" font-family="arial, sans-serif" '
            f'fill="{INK}" text-anchor="middle">{escape(label)}</text>'
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # every interpolated text is escaped


def _tie_style(tie: Tie) -> tuple[str, str]:
    if tie.kind == DISTRESS:
        return DISTRESS_TIE, ' stroke-dasharray="6 4"'
    return (BEFORE_TIE, "") if tie.state == BEFORE else (AFTER_TIE, "")


def _legend() -> list[str]:
    font = 'font-size="13" font-family="arial, sans-serif"'
    return [
        f'<line x1="8" y1="10" x2="36" y2="10" stroke="{BEFORE_TIE}" stroke-width="2.5"/>',
        f'<text x="42" y="14" {font} fill="{INK}">funding before</text>',
        f'<line x1="160" y1="10" x2="188" y2="10" stroke="{AFTER_TIE}" stroke-width="2.5"/>',
        f'<text x="194" y="14" {font} fill="{INK}">funding after</text>',
        f'<line x1="306" y1="10" x2="334" y2="10" stroke="{DISTRESS_TIE}" stroke-width="2.5" '
        'stroke-dasharray="6 4"/>',
        f'<text x="340" y="14" {font} fill="{INK}">distress passed on</text>',
    ]


def _short(name: str) -> str:
    return name if len(name) <= LABEL_CHARS else name[: LABEL_CHARS - 1].rstrip() + "…"
