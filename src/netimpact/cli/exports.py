"""`netimpact export ocds|hsds|360giving`: the open-data exports from the demo city, a bundle or the database.

    netimpact export ocds [BUNDLE | --from-database --exercise KEY] [-o FILE] [--validate]
    netimpact export hsds [BUNDLE | --from-database] [-o FILE] [--validate]
    netimpact export 360giving [BUNDLE | --from-database] [--funder ORG-ID] [-o FILE] [--validate]

With neither BUNDLE nor --from-database the demo city is exported. Django is imported only for
--from-database. Exit status: 0 written (and valid, with --validate); 1 written but --validate found
problems (listed on stderr); 2 the input is wrong. docs/open-data-exports.md documents every field.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from datetime import UTC, date, datetime, time
from typing import Any

from .bundle import BAD_INPUT, _fail, load_bundle, write_output

INVALID_EXPORT = 1
STANDARDS = ("ocds", "hsds", "360giving")
DEFAULT_SITE_URL = "http://localhost:8000"


def add_commands(subcommands: argparse._SubParsersAction) -> None:
    export = subcommands.add_parser(
        "export",
        help="write open data: an exercise as OCDS, the register's services as Open Referral UK (HSDS), "
        "its grants as 360Giving",
        description="Write the demo city, a bundle or the stored register in an open-data standard "
        "(docs/open-data-exports.md).",
    )
    export.add_argument("standard", choices=STANDARDS, help="which standard")
    export.add_argument(
        "bundle", metavar="BUNDLE", nargs="?", help="a bundle to export (default: the demo city)"
    )
    export.add_argument("--from-database", action="store_true", help="export the web app's stored register")
    export.add_argument("--exercise", metavar="KEY", help="the exercise (ocds; needed with --from-database)")
    export.add_argument("-o", "--output", metavar="FILE", help="write to FILE (default: standard output)")
    export.add_argument(
        "--validate",
        action="store_true",
        help="check the export with the standard's official schema (offline) and list problems",
    )
    export.add_argument(
        "--site-url",
        default=os.environ.get("NETIMPACT_SITE_URL", DEFAULT_SITE_URL),
        help="the netimpact site the files are published on, for their URLs "
        "(default: $NETIMPACT_SITE_URL or %(default)s)",
    )
    export.add_argument(
        "--published",
        metavar="DATETIME",
        type=_moment,
        help="when the file is published, ISO 8601 (default: now)",
    )
    ocds = export.add_argument_group("ocds")
    ocds.add_argument(
        "--ocid-prefix",
        default=os.environ.get("NETIMPACT_OCID_PREFIX", "ocds-xxxxxx"),
        help="your ocid prefix from the Open Contracting Partnership (default: "
        "$NETIMPACT_OCID_PREFIX or the demo's unregistered %(default)s)",
    )
    ocds.add_argument("--tender-only", action="store_true", help="the tender only: nothing of any bid")
    ocds.add_argument(
        "--evaluation",
        metavar="FILE",
        help="the output of `netimpact evaluate --json` on the same bundle, for each bid's net impact",
    )
    ocds.add_argument("--award", metavar="BID", help="the winning bid's id (not with --from-database)")
    ocds.add_argument("--award-date", metavar="DATE", type=_moment, help="when the award was decided")
    ocds.add_argument(
        "--award-status",
        default="pending",
        choices=["pending", "active", "cancelled"],
        help="OCDS award status (default: %(default)s, during the standstill)",
    )
    grants = export.add_argument_group("360giving")
    grants.add_argument(
        "--grant-prefix",
        default=os.environ.get("NETIMPACT_360GIVING_PREFIX", "360G-netimpactdemo"),
        help="your 360Giving identifier prefix (default: $NETIMPACT_360GIVING_PREFIX or the "
        "demo's unregistered %(default)s)",
    )
    grants.add_argument("--funder", metavar="ORG-ID", help="only this funder's grants")
    export.set_defaults(handler=run_export)


def _moment(text: str) -> datetime:
    try:
        if len(text) == 10:
            return datetime.combine(date.fromisoformat(text), time(12), tzinfo=UTC)
        moment = datetime.fromisoformat(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(
            f"expected a date YYYY-MM-DD or an ISO 8601 date-time, got {text}"
        ) from error
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def run_export(args: argparse.Namespace) -> int:
    problem = _check_arguments(args)
    if problem:
        return _fail(problem)
    published = args.published or datetime.now(UTC)
    try:
        if args.from_database:
            document, notes = _from_database(args, published)
        else:
            document, notes = _from_bundle_or_demo(args, published)
    except LookupError as error:
        return _fail(str(error))
    except ValueError as error:  # the writers' own errors (OcdsExportError, GrantsExportError)
        return _fail(str(error))
    for note in notes:
        print(f"netimpact: {note}", file=sys.stderr)
    try:
        write_output(json.dumps(document, indent=2, ensure_ascii=False, allow_nan=False) + "\n", args.output)
    except OSError as error:
        return _fail(f"cannot write {args.output}: {error.strerror or error}")
    if args.validate:
        return _validate(args.standard, document)
    return 0


def _check_arguments(args: argparse.Namespace) -> str | None:
    if args.from_database and args.bundle:
        return "give either BUNDLE or --from-database, not both"
    if args.standard == "ocds":
        if args.from_database and not args.exercise:
            return "ocds --from-database needs --exercise KEY (the id of a stored exercise)"
        if args.from_database and (args.award or args.evaluation):
            return (
                "--award and --evaluation apply to a bundle; from the database, the latest evaluation run "
                "and the recorded award decision are used"
            )
        if args.award and not args.award_date:
            return "--award needs --award-date (when the award was decided)"
        if args.tender_only and (args.award or args.evaluation):
            return "--tender-only writes nothing of the bids, so no evaluation or award either"
    else:
        for flag, value in (
            ("--exercise", args.exercise),
            ("--award", args.award),
            ("--evaluation", args.evaluation),
            ("--tender-only", args.tender_only),
        ):
            if value:
                return f"{flag} applies to ocds, not {args.standard}"
    if args.funder and args.standard != "360giving":
        return f"--funder applies to 360giving, not {args.standard}"
    return None


def _from_bundle_or_demo(args: argparse.Namespace, published: datetime) -> tuple[dict[str, Any], list[str]]:
    if args.bundle:
        bundle = load_bundle(args.bundle)
        if isinstance(bundle, int):
            raise LookupError(f"{args.bundle} cannot be read (see above)")
        ecosystem, exercise, bids = bundle.ecosystem, bundle.exercise, bundle.bids
    else:
        from netimpact.domain.demo_city import build_demo_city

        city = build_demo_city()
        ecosystem, exercise, bids = city.ecosystem, city.exercise, city.bids
    site = args.site_url.rstrip("/")
    if args.standard == "hsds":
        from netimpact.standards.hsds_export import services_page

        return services_page(ecosystem, register_url=f"{site}/"), []
    if args.standard == "360giving":
        return _grants(ecosystem, published, args, publisher_id=exercise.commissioner)
    if args.exercise and args.exercise != exercise.id:
        raise LookupError(f"the bundle's exercise is {exercise.id!r}, not {args.exercise!r}")
    from netimpact.standards.ocds_export import AwardDecision, Publication, release_package

    evaluation = _read_evaluation(args.evaluation) if args.evaluation else None
    award = (
        AwardDecision(bid=args.award, date=args.award_date, status=args.award_status) if args.award else None
    )
    publication = Publication(
        publisher=_name(ecosystem, exercise.commissioner),
        publisher_uid=exercise.commissioner,
        package_uri=(
            f"{site}/open-data/exercises/{exercise.id}/ocds-tender.json"
            if args.tender_only
            else f"{site}/exercises/{exercise.id}/ocds.json"
        ),
        netimpact_extension_url=f"{site}/open-data/ocds/extensions/netimpact/extension.json",
        published=published,
        ocid_prefix=args.ocid_prefix,
    )
    package = release_package(
        ecosystem,
        exercise,
        None if args.tender_only else bids,
        publication,
        evaluation=evaluation,
        award=award,
    )
    return package, []


def _read_evaluation(path: str) -> Any:
    from netimpact.standards.ocds_export import EvaluationRunInfo

    try:
        with open(path, encoding="utf-8") as stream:
            document = json.load(stream)
    except FileNotFoundError as error:
        raise LookupError(f"no such evaluation file: {path}") from error
    except (OSError, ValueError) as error:
        raise LookupError(
            f"{path} is not an evaluation document (JSON from `netimpact evaluate --json`): {error}"
        ) from error
    result = document.get("evaluation") if isinstance(document, dict) else None
    if not isinstance(result, dict) or "bids" not in result:
        raise LookupError(
            f"{path} has no $.evaluation.bids: expected the output of `netimpact evaluate --json`"
        )
    metadata = document.get("metadata") or {}
    return EvaluationRunInfo(result, inputs_hash=metadata.get("bundle_hash"))


def _grants(
    ecosystem: Any, published: datetime, args: argparse.Namespace, publisher_id: str | None
) -> tuple[dict[str, Any], list[str]]:
    from netimpact.standards.threesixtygiving_export import grants_package

    export = grants_package(
        ecosystem,
        publisher=_name(ecosystem, publisher_id) if publisher_id else ecosystem.name,
        publisher_id=publisher_id,
        issued=published.date(),
        prefix=args.grant_prefix,
        funder=args.funder,
    )
    return export.package, skipped_notes(export.skipped)


def skipped_notes(skipped: list[str]) -> list[str]:
    """One line per reason, naming the first few grants it left out."""
    by_reason: dict[str, list[str]] = {}
    for entry in skipped:
        grant, _, reason = entry.partition(": ")
        by_reason.setdefault(reason, []).append(grant)
    notes = []
    for reason, grants in by_reason.items():
        named = ", ".join(grants[:5]) + (f" and {len(grants) - 5} more" if len(grants) > 5 else "")
        notes.append(f"{len(grants)} grant(s) left out because {reason}: {named}")
    return notes


def _name(ecosystem: Any, org_id: str) -> str:
    try:
        return str(ecosystem.organisation(org_id).name)
    except KeyError:
        return org_id


def _from_database(args: argparse.Namespace, published: datetime) -> tuple[dict[str, Any], list[str]]:
    """The stored register (and exercise). Django is imported here only."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "netimpact.web.settings.local")
    import django

    django.setup()
    from django.conf import settings
    from django.db import DatabaseError

    from netimpact.web.commissioning.sealing import BidsSealed
    from netimpact.web.commissioning.store import ExerciseError
    from netimpact.web.exports import sources
    from netimpact.web.register.store import RegisterError

    settings.NETIMPACT_OCID_PREFIX = args.ocid_prefix
    settings.NETIMPACT_360GIVING_PREFIX = args.grant_prefix
    site = args.site_url.rstrip("/")
    addresses = sources.Addresses(
        package_uri=(
            f"{site}/open-data/exercises/{args.exercise}/ocds-tender.json"
            if args.tender_only
            else f"{site}/exercises/{args.exercise}/ocds.json"
        ),
        netimpact_extension_url=f"{site}/open-data/ocds/extensions/netimpact/extension.json",
        register_url=f"{site}/",
    )
    try:
        if args.standard == "ocds":
            return sources.ocds_package(
                args.exercise, addresses, with_bids=not args.tender_only, published=published
            ), []
        if args.standard == "hsds":
            return sources.hsds_page(addresses), []
        export = sources.grants(published, funder=args.funder)
        return export.package, skipped_notes(export.skipped)
    except BidsSealed as error:
        raise LookupError(f"{error} Use --tender-only for the published terms alone.") from error
    except (ExerciseError, RegisterError) as error:
        raise LookupError(str(error)) from error
    except DatabaseError as error:
        raise LookupError(
            f"cannot read the database ({error}); run `netimpact manage migrate` or set DATABASE_URL"
        ) from error


def _validate(standard: str, document: dict[str, Any]) -> int:
    from netimpact.standards import export_validation

    if standard == "ocds":
        problems = export_validation.validate_ocds(document).problems
        tool = "libcoveocds (OCDS 1.1 and the extensions the package names)"
    elif standard == "hsds":
        problems = export_validation.validate_hsds_services(document)
        tool = "HSDS 3.0 and Open Referral UK 3.0 schemas"
    else:
        problems = export_validation.validate_threesixtygiving(document)
        tool = "360Giving 1.4.3 schema"
    if problems:
        print(
            f"netimpact: the export is not valid against {tool} ({len(problems)} problems):", file=sys.stderr
        )
        for problem in problems:
            print(f"  {problem}", file=sys.stderr)
        return INVALID_EXPORT
    print(f"netimpact: valid against {tool}", file=sys.stderr)
    return 0


__all__ = ["BAD_INPUT", "add_commands"]
