"""The ecosystem register in the database: organisations, services, ties, wards and cohorts."""
