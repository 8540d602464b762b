"""The Django web app: a thin adapter over the domain core."""
