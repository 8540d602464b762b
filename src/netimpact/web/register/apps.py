from django.apps import AppConfig


class RegisterConfig(AppConfig):
    name = "netimpact.web.register"
    label = "register"
    verbose_name = "Ecosystem register"
    default_auto_field = "django.db.models.BigAutoField"
