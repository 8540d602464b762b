"""A winner no change of weights can unseat: the ranking says so, without a table of flipping weights.

(Found by the full-journey browser test: the table read weights that do not exist and the page failed.)
"""

from __future__ import annotations

from django.template.loader import render_to_string


def test_the_ranking_renders_when_no_change_of_weights_changes_the_winner():
    page = {
        "ranking": {
            "status": "complete",
            "criteria": {"price": 0.3, "quality": 0.5, "net_impact": 0.2},
            "rows": [],
            "weight_flip": {"new_weights": None},
            "weight_flip_sentence": "No change of the weights would make another bid win.",
            "notes": [],
        }
    }
    html = render_to_string("commissioning/includes/evaluation_ranking.html", {"page": page})
    assert "No change of the weights would make another bid win." in html
    assert "the weights at which the winner changes" not in html


def test_a_figure_the_template_does_not_have_reads_not_available_rather_than_failing():
    from netimpact.web.register.templatetags.register_format import percent

    assert percent("") == "not available"
    assert percent(None) == "not available"
    assert percent(0.305, 1) == "30.5%"
