"""The bidder portal: register an organisation, write and save a draft bid, submit, withdraw or reopen it.

Bids are sealed (netimpact.web.commissioning.sealing): here a bidder reads only its own organisation's
bids, and after the deadline nothing in a bid can change. See docs/bidder-portal.md.
"""
