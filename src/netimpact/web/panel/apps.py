from django.apps import AppConfig


class PanelConfig(AppConfig):
    name = "netimpact.web.panel"
    label = "panel"
    verbose_name = "Evaluation panel"
    default_auto_field = "django.db.models.BigAutoField"
