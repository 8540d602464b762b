"""The audit trail: every publish, submission, confirmation, score, moderation, evaluation and decision
as an append-only, hash-chained event (docs/audit-trail.md)."""
