"""Commands that run the web app: the demo, a server, Django's management commands."""

from __future__ import annotations

import argparse
import os


def _django(settings: str = "netimpact.web.settings.local") -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", settings)
    import django

    django.setup()


def _manage(*arguments: str) -> None:
    from django.core.management import call_command

    call_command(*arguments)


def run_manage(args: argparse.Namespace) -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "netimpact.web.settings.local")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["netimpact manage", *args.arguments])
    return 0


def run_serve(args: argparse.Namespace) -> int:
    _django()
    _manage("migrate", "--no-input", verbosity=0)
    _manage("runserver", f"{args.host}:{args.port}", "--noreload")
    return 0


def add_commands(subcommands: argparse._SubParsersAction) -> None:
    serve = subcommands.add_parser("serve", help="serve the web app (development server)")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", default="8000")
    serve.set_defaults(handler=run_serve)

    manage = subcommands.add_parser("manage", help="run a Django management command")
    manage.add_argument("arguments", nargs=argparse.REMAINDER)
    manage.set_defaults(handler=run_manage)
