"""The page tests use the shared demo-city fixtures in tests/conftest.py."""

ROLES = ("public", "officer", "panel", "bidder", "partner")  # "public": not signed in
