"""Commands that run the web app: the demo, a server, Django's management commands."""

from __future__ import annotations

import argparse
import os

from netimpact.domain.demo_city import DEFAULT_SEED


def _django(settings: str = "netimpact.web.settings.local") -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", settings)
    import django

    django.setup()


def _manage(*arguments: str, **options: object) -> None:
    from django.core.management import call_command

    call_command(*arguments, **options)


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


def run_demo(args: argparse.Namespace) -> int:
    """Migrate, load the fictional demo city and its logins, say how to sign in, then serve."""
    _django()
    from netimpact.web.register.management.commands.load_demo import (
        FICTIONAL_NOTICE,
        describe_logins,
        load_demo,
        logins_heading,
    )

    _manage("migrate", "--no-input", verbosity=0)
    logins = load_demo(args.seed)
    url = f"http://{args.host}:{args.port}/"
    print(
        "\n".join(
            [
                "",
                "=" * 72,
                f"netimpact demo (seed {args.seed}): {url}",
                FICTIONAL_NOTICE,
                logins_heading(url),
                *describe_logins(logins),
                "=" * 72,
                "",
            ]
        ),
        flush=True,
    )
    if not args.no_serve:
        _manage("runserver", f"{args.host}:{args.port}", "--noreload")
    return 0


def add_commands(subcommands: argparse._SubParsersAction) -> None:
    demo = subcommands.add_parser(
        "demo", help="load the fictional demo city and its logins, then serve it (development server)"
    )
    demo.add_argument(
        "--seed", type=int, default=DEFAULT_SEED, help=f"the demo city's seed (default {DEFAULT_SEED})"
    )
    demo.add_argument("--host", default="127.0.0.1")
    demo.add_argument("--port", type=int, default=8000)
    demo.add_argument("--no-serve", action="store_true", help="load the demo and stop, without serving")
    demo.set_defaults(handler=run_demo)

    serve = subcommands.add_parser("serve", help="serve the web app (development server)")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", default="8000")
    serve.set_defaults(handler=run_serve)

    manage = subcommands.add_parser("manage", help="run a Django management command")
    manage.add_argument("arguments", nargs=argparse.REMAINDER)
    manage.set_defaults(handler=run_manage)
