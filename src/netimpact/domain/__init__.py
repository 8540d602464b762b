"""The domain core's data: the ecosystem register and commissioning exercises. No web framework here."""
