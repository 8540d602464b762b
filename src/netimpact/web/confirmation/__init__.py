"""Partner confirmation: each organisation a bid names is asked, by a link with no account, to confirm,
dispute or amend what the bid claims about it. Answers set each claim's state, which the engine's
evidence weighting reads. See docs/partner-confirmation.md."""
