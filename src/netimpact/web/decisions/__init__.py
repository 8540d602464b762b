"""Evaluation jobs with progress, the decision report (page and tagged PDF), the recorded award decision."""
