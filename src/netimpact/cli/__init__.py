"""The `netimpact` command. Each module here adds its subcommands; all are thin adapters over the core."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from . import bench, bundle, exports, imports, web

COMMAND_MODULES = [web, bundle, exports, bench, imports]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="netimpact",
        description="Commissioning with the city's ecosystem in view: the net impact of each bid.",
    )
    subcommands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for module in COMMAND_MODULES:
        module.add_commands(subcommands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    return int(args.handler(args) or 0)


if __name__ == "__main__":
    sys.exit(main())
