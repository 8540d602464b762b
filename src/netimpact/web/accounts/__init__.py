"""Accounts and roles: who may see and do what in netimpact (see docs/roles.md)."""
