from django.apps import AppConfig


class ExportsConfig(AppConfig):
    name = "netimpact.web.exports"
    label = "exports"
    verbose_name = "Open data exports"
    default_auto_field = "django.db.models.BigAutoField"
