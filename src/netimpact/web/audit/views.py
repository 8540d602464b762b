"""An exercise's history: its audit events, newest first, for commissioning officers and panel members.

Bidders, partners and the public are refused: the trail names every bid, score and decision.
"""

from __future__ import annotations

import json
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from netimpact.web.accounts.access import Officer, Panel, access_rule
from netimpact.web.commissioning.models import Exercise

from .models import AuditEvent
from .recorder import verify_chain


@access_rule(Officer, Panel)
def exercise_history(request: HttpRequest, key: str) -> HttpResponse:
    exercise = Exercise.objects.filter(key=key).only("key", "title").first()
    if exercise is None:
        raise Http404(f"No exercise has the id {key!r}.")
    events = AuditEvent.objects.filter(exercise_key=key).select_related("actor").order_by("-sequence")
    return render(
        request,
        "audit/exercise_history.html",
        {"exercise": exercise, "events": [_shown(e) for e in events], "chain_break": verify_chain()},
    )


def _shown(event: AuditEvent) -> dict[str, Any]:
    """The event with its details as rows: plain values as text, nested ones as indented JSON."""
    rows = [
        {"name": name.replace("_", " ").capitalize(), "value": v, "nested": isinstance(v, dict | list)}
        for name, v in event.details.items()
    ]
    for row in rows:
        if row["nested"]:
            row["value"] = json.dumps(row["value"], indent=2, ensure_ascii=False)
    return {"event": event, "details": rows}
