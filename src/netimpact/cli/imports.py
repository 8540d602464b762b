"""`netimpact import 360giving|oruk|ccew PATH`: open data into the stored register.

See docs/open-data-imports.md.

Prints what was created, updated, left unchanged and skipped per kind of record; exits 2 listing every
problem when the file is invalid (nothing is written then), 0 otherwise.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

STANDARDS = ("360giving", "oruk", "ccew")
EXIT_INVALID = 2


def add_commands(subcommands: argparse._SubParsersAction) -> None:
    command = subcommands.add_parser(
        "import",
        help="import open data into the register: 360Giving grants, an Open Referral UK directory, the "
        "Charity Commission extract",
        description="Import one file into the stored register, all or nothing. Importing the same file "
        "again changes nothing.",
    )
    command.add_argument(
        "standard",
        choices=STANDARDS,
        help="360giving (.json/.csv/.xlsx), oruk (.json, v3 or v1), ccew (folder or .zip of "
        "the publicextract tables)",
    )
    command.add_argument("path", help="the file (or, for ccew, the folder or zip)")
    command.add_argument(
        "--skip-invalid",
        action="store_true",
        help="skip invalid records and list them (default: stop, import nothing)",
    )
    command.add_argument("--dry-run", action="store_true", help="check and count, write nothing")
    command.add_argument(
        "--problems",
        type=int,
        default=50,
        metavar="N",
        help="list at most N problems (default 50; 0 for all)",
    )
    command.set_defaults(handler=run_import)


def run_import(args: argparse.Namespace) -> int:
    path = Path(args.path)
    if not path.exists():
        print(f"netimpact import: {path} does not exist", file=sys.stderr)
        return EXIT_INVALID
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "netimpact.web.settings.local")
    import django

    django.setup()
    from django.core.management import call_command

    from netimpact.web.imports.importing import import_path
    from netimpact.web.imports.report import report_lines

    call_command("migrate", "--no-input", verbosity=0)
    run = import_path(
        args.standard,
        path,
        actor_label=f"command line ({_who()})",
        skip_invalid=args.skip_invalid,
        dry_run=args.dry_run,
    )
    limit = args.problems or None
    lines = report_lines(run, problem_limit=limit)
    stream = sys.stderr if run.status == run.Status.INVALID else sys.stdout
    print("\n".join(lines), file=stream)
    return EXIT_INVALID if run.status == run.Status.INVALID else 0


def _who() -> str:
    try:
        return os.getlogin()
    except OSError:
        return os.environ.get("USER", "unknown user")
