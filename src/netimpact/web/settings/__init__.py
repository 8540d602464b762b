"""Settings per environment: base (shared), local (development and the demo), test, production."""
