from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "netimpact.web.accounts"
    label = "accounts"
    verbose_name = "Accounts and roles"
    default_auto_field = "django.db.models.BigAutoField"
