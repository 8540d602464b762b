from django.apps import AppConfig


class DecisionsConfig(AppConfig):
    name = "netimpact.web.decisions"
    label = "decisions"
    verbose_name = "Evaluation jobs and award decisions"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from django.db.backends.signals import connection_created

        from .jobs import let_readers_pass_writers_in_shared_memory

        connection_created.connect(let_readers_pass_writers_in_shared_memory)
