from django.apps import AppConfig


class ConfirmationConfig(AppConfig):
    name = "netimpact.web.confirmation"
    label = "confirmation"
    verbose_name = "Partner confirmation"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from . import receivers  # noqa: F401  (connects bid_submitted)
