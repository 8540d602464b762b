"""netimpact: commissioning with the city's ecosystem in view."""

__version__ = "0.1.0"
