"""Open data into the register: 360Giving, Open Referral UK, the Charity Commission extract.

See docs/open-data-imports.md.
"""
