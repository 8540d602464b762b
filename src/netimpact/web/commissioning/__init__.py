"""Commissioning exercises and their bids in the database."""
