from django.apps import AppConfig


class CommissioningConfig(AppConfig):
    name = "netimpact.web.commissioning"
    label = "commissioning"
    verbose_name = "Commissioning exercises"
    default_auto_field = "django.db.models.BigAutoField"
