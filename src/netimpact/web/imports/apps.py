from django.apps import AppConfig


class ImportsConfig(AppConfig):
    name = "netimpact.web.imports"
    label = "imports"
    verbose_name = "Open data imports"
    default_auto_field = "django.db.models.BigAutoField"
