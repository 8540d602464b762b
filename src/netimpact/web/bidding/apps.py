from django.apps import AppConfig


class BiddingConfig(AppConfig):
    name = "netimpact.web.bidding"
    label = "bidding"
    verbose_name = "Bidder portal"
    default_auto_field = "django.db.models.BigAutoField"
