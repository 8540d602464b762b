"""What other parts of the workflow listen for, so that the bidder portal need not know them.

bid_submitted(sender=Bid, bid=Bid, by=User): a bid has just been submitted (inside the submitting
transaction). Partner confirmation sends its links from here.
"""

from django.dispatch import Signal

bid_submitted = Signal()
