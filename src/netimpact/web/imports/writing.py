"""Write readers' records into the register, set-wise: a few queries per kind of record, not per row.

Every writer compares what the file says with what the register holds and counts each record as created,
updated or unchanged, so importing the same file twice reports 0 created, 0 updated. Organisations are
resolved through `OrganisationResolver` (Org-ID first, then the matching rules of
netimpact.standards.matching); callers run inside the import's one transaction.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import connection, models

from netimpact.domain.vocabulary import FundingKind, OrgKind
from netimpact.standards import matching
from netimpact.web import clock
from netimpact.web.register import models as m

from .models import ImportRun, MatchReview

BATCH = 2_000
Progress = Callable[[str], None]

# Org-ID schemes of public bodies and the NHS (org-id.guide); anything else is taken as the VCSE it
# usually is for a grant recipient or a charity. The kind is set only when an organisation is created:
# an officer's later correction is never overwritten by an import.
PUBLIC_SCHEMES = (
    "GB-LAE",
    "GB-LAS",
    "GB-LANI",
    "GB-PLA",
    "GB-GOR",
    "GB-GOV",
    "GB-EDU",
    "GB-UKPRN",
    "GB-SHPE",
    "GB-MPR",
    "GB-NHS",
)


def kind_for(org_id: str, role: str) -> str:
    upper = org_id.upper()
    if upper.startswith("GB-NHS"):
        return OrgKind.NHS.value
    if upper.startswith(PUBLIC_SCHEMES):
        return OrgKind.PUBLIC_BODY.value
    if role == "funder":
        # Grant-makers are mostly national trusts and foundations, not the city's own VCSE ecosystem.
        return OrgKind.OUTSIDE_PROVIDER.value
    if role == "supplier" and upper.startswith("GB-COH"):
        return OrgKind.PRIVATE_COMPANY.value
    return OrgKind.LOCAL_VCSE.value


class Counts:
    """created / updated / unchanged / skipped per kind of record."""

    def __init__(self) -> None:
        self.by_kind: dict[str, Counter[str]] = defaultdict(Counter)

    def add(self, kind: str, outcome: str, n: int = 1) -> None:
        if n:
            self.by_kind[kind][outcome] += n

    def as_dict(self) -> dict[str, dict[str, int]]:
        outcomes = ("created", "updated", "unchanged", "skipped")
        return {kind: {o: counter.get(o, 0) for o in outcomes} for kind, counter in self.by_kind.items()}


@dataclass(frozen=True, slots=True)
class IncomingOrg:
    org_id: str
    name: str
    postcode: str = ""
    role: str = "recipient"  # "funder", "recipient", "supplier", "charity", "provider"
    other_ids: tuple[str, ...] = ()


class OrganisationResolver:
    """Org-IDs -> register organisations, creating and matching as the rules say (set-wise)."""

    def __init__(self, run: ImportRun | None, counts: Counts) -> None:
        self.run, self.counts = run, counts
        self.pk_of: dict[str, int] = {}
        for value, pk in m.OrgIdentifier.objects.values_list("value", "organisation_id").iterator(BATCH):
            self.pk_of[value] = pk
        for value, pk in m.Organisation.objects.values_list("org_id", "pk").iterator(BATCH):
            self.pk_of.setdefault(value, pk)
        self._index: matching.KnownIndex | None = None

    def index(self) -> matching.KnownIndex:
        if self._index is None:
            ids: dict[int, set[str]] = defaultdict(set)
            for value, pk in self.pk_of.items():
                ids[pk].add(value)
            self._index = matching.KnownIndex.of(
                matching.Known(pk, name, postcode, frozenset(ids[pk]))
                for pk, name, postcode in m.Organisation.objects.values_list(
                    "pk", "name", "postcode"
                ).iterator(BATCH)
            )
        return self._index

    def resolve(self, incoming: Iterable[IncomingOrg]) -> dict[str, int]:
        """Org-ID -> organisation pk for every incoming organisation (each Org-ID counted once)."""
        firsts: dict[str, IncomingOrg] = {}
        for org in incoming:
            seen = firsts.get(org.org_id)
            if seen is None or (not seen.postcode and org.postcode):
                firsts[org.org_id] = org
        known = [o for o in firsts.values() if o.org_id in self.pk_of]
        self._fill_known(known)
        unknown = [o for o in firsts.values() if o.org_id not in self.pk_of]
        self._place_unknown(unknown)
        return {org_id: self.pk_of[org_id] for org_id in firsts}

    def _fill_known(self, known: Sequence[IncomingOrg]) -> None:
        """An organisation found by Org-ID gains only what it lacks (a postcode, other Org-IDs)."""
        pks = {self.pk_of[o.org_id] for o in known}
        rows = {}
        for chunk in _chunks(sorted(pks), BATCH):
            rows.update(m.Organisation.objects.only("pk", "postcode").in_bulk(chunk))
        changed: dict[int, m.Organisation] = {}
        updated_pks: set[int] = set()
        new_ids: list[m.OrgIdentifier] = []
        for org in known:
            pk = self.pk_of[org.org_id]
            row = rows[pk]
            postcode = matching.normalise_postcode(org.postcode)
            if postcode and not row.postcode:
                row.postcode = postcode
                changed[pk] = row
            for other in org.other_ids:
                if other not in self.pk_of:
                    self.pk_of[other] = pk
                    new_ids.append(
                        m.OrgIdentifier(organisation_id=pk, value=other, scheme=m.org_id_scheme(other))
                    )
                    updated_pks.add(pk)
        m.Organisation.objects.bulk_update(changed.values(), ["postcode"], batch_size=BATCH)
        m.OrgIdentifier.objects.bulk_create(new_ids, batch_size=BATCH)
        updated_pks |= set(changed)
        self.counts.add("organisation", "updated", len(updated_pks))
        self.counts.add("organisation", "unchanged", len(pks - updated_pks))

    def _place_unknown(self, unknown: Sequence[IncomingOrg]) -> None:
        if not unknown:
            return
        index = self.index()
        pending: dict[str, m.Organisation] = {}  # org_id -> new row (pk once created)
        placeholder: dict[int, str] = {}  # negative key in the index -> org_id of a pending row
        attach: list[tuple[str, int]] = []  # (org_id, key) matched to an existing or pending organisation
        reviews: list[tuple[str, int, str]] = []
        for number, org in enumerate(unknown, start=1):
            decision = matching.decide(org.org_id, org.name, org.postcode, index)
            if decision.kind == "match" and decision.match is not None:
                attach.append((org.org_id, decision.match))
                continue
            pending[org.org_id] = m.Organisation(
                org_id=org.org_id,
                name=(org.name or org.org_id)[:300],
                kind=kind_for(org.org_id, org.role),
                postcode=matching.normalise_postcode(org.postcode),
            )
            placeholder[-number] = org.org_id
            index.add(
                matching.Known(-number, org.name, org.postcode, frozenset({org.org_id, *org.other_ids}))
            )
            reviews.extend((org.org_id, key, why) for key, why in decision.review)
        m.Organisation.objects.bulk_create(pending.values(), batch_size=BATCH)
        created = (
            dict(m.Organisation.objects.filter(org_id__in=list(pending)).values_list("org_id", "pk"))
            if (pending and not all(o.pk for o in pending.values()))
            else {k: o.pk for k, o in pending.items()}
        )
        for org_id, pk in created.items():
            self.pk_of[org_id] = pk
        _rekey(index, {key: created[org_id] for key, org_id in placeholder.items()})

        def real(key: int) -> int:
            return created[placeholder[key]] if key < 0 else key

        identifiers = [
            m.OrgIdentifier(organisation_id=pk, value=org_id, scheme=m.org_id_scheme(org_id))
            for org_id, pk in created.items()
        ]
        gained: set[int] = set()
        for org_id, key in attach:
            pk = real(key)
            self.pk_of[org_id] = pk
            identifiers.append(
                m.OrgIdentifier(organisation_id=pk, value=org_id, scheme=m.org_id_scheme(org_id))
            )
            if key > 0:
                gained.add(pk)
        for org in unknown:
            for other in org.other_ids:
                if other not in self.pk_of:
                    self.pk_of[other] = self.pk_of[org.org_id]
                    identifiers.append(
                        m.OrgIdentifier(
                            organisation_id=self.pk_of[other], value=other, scheme=m.org_id_scheme(other)
                        )
                    )
        m.OrgIdentifier.objects.bulk_create(identifiers, batch_size=BATCH)
        self.counts.add("organisation", "created", len(created))
        self.counts.add("organisation", "updated", len(gained))
        self._queue(reviews, created, real)

    def _queue(
        self, reviews: list[tuple[str, int, str]], created: dict[str, int], real: Callable[[int], int]
    ) -> None:
        if not reviews:
            return
        pairs = {
            (created[org_id], real(key)): why for org_id, key, why in reviews if real(key) != created[org_id]
        }
        labels = {
            pk: f"{name} ({org_id})"
            for pk, name, org_id in m.Organisation.objects.filter(
                pk__in={pk for pair in pairs for pk in pair}
            ).values_list("pk", "name", "org_id")
        }
        now = clock.now()
        MatchReview.objects.bulk_create(
            [
                MatchReview(
                    incoming_id=a,
                    existing_id=b,
                    incoming_label=labels[a][:400],
                    existing_label=labels[b][:400],
                    reason=why[:300],
                    import_run=self.run,
                    created_at=now,
                )
                for (a, b), why in pairs.items()
            ],
            batch_size=BATCH,
            ignore_conflicts=True,
        )
        self.counts.add("match to review", "created", len(pairs))


def _rekey(index: matching.KnownIndex, keys: dict[int, int]) -> None:
    for table in (index.by_name, index.by_postcode):
        for bucket in table.values():
            for i, known in enumerate(bucket):
                if known.key in keys:
                    bucket[i] = matching.Known(keys[known.key], known.name, known.postcode, known.org_ids)


def _chunks[T](items: Sequence[T], size: int) -> Iterable[Sequence[T]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def insert_rows(model: type[models.Model], names: Sequence[str], rows: Iterable[Sequence[Any]]) -> int:
    """INSERT plain tuples straight through the cursor: bulk_create builds a model instance per row, which
    costs more than the insert itself at 100,000 rows. Values go through each field's own preparation
    (dates as SQLite wants them), so the rows are what bulk_create would write; no signals, no pks back."""
    fields = [model._meta.get_field(name) for name in names]
    quote = connection.ops.quote_name
    sql = (
        f"INSERT INTO {quote(model._meta.db_table)} ({', '.join(quote(f.column) for f in fields)}) "
        f"VALUES ({', '.join(['%s'] * len(fields))})"
    )
    simple = [getattr(f, "get_internal_type", lambda: "")() in _PLAIN_TYPES for f in fields]
    count = 0
    with connection.cursor() as cursor:
        batch: list[list[Any]] = []
        for row in rows:
            batch.append(
                [
                    v if plain or v is None else f.get_db_prep_save(v, connection)
                    for v, f, plain in zip(row, fields, simple, strict=True)
                ]
            )
            if len(batch) >= 10 * BATCH:
                cursor.executemany(sql, batch)
                count, batch = count + len(batch), []
        if batch:
            cursor.executemany(sql, batch)
            count += len(batch)
    return count


_PLAIN_TYPES = frozenset(
    {
        "CharField",
        "TextField",
        "FloatField",
        "BigIntegerField",
        "IntegerField",
        "PositiveIntegerField",
        "PositiveSmallIntegerField",
        "ForeignKey",
        "BigAutoField",
    }
)


def sync_rows(
    model: type[models.Model],
    key_field: str,
    wanted: dict[Any, dict[str, Any]],
    fields: Sequence[str],
    counts: Counts,
    kind: str,
    equal: Callable[[Any, Any], bool] | None = None,
) -> dict[Any, int]:
    """Make `model` rows keyed by `key_field` say what `wanted` says; returns key -> pk. Set-wise: existing
    rows are read as tuples, new ones inserted as tuples, only changed ones become model instances."""
    same = equal or (lambda a, b: a == b)
    keys = list(wanted)
    existing: dict[Any, tuple[Any, ...]] = {}
    for chunk in _chunks(keys, BATCH):
        for row in model._default_manager.filter(**{f"{key_field}__in": chunk}).values_list(
            key_field, "pk", *fields
        ):
            existing[row[0]] = row[1:]
    to_update, creating = [], []
    for key, values in wanted.items():
        row = existing.get(key)
        if row is None:
            creating.append(key)
        elif not all(same(old, values[name]) for old, name in zip(row[1:], fields, strict=True)):
            to_update.append(model(pk=row[0], **{key_field: key}, **values))
    insert_rows(model, [key_field, *fields], ([key, *(wanted[key][f] for f in fields)] for key in creating))
    if to_update:
        model._default_manager.bulk_update(to_update, list(fields), batch_size=BATCH)
    counts.add(kind, "created", len(creating))
    counts.add(kind, "updated", len(to_update))
    counts.add(kind, "unchanged", len(wanted) - len(creating) - len(to_update))
    pks: dict[Any, int] = {key: row[0] for key, row in existing.items()}
    for chunk in _chunks(creating, BATCH):
        pks.update(model._default_manager.filter(**{f"{key_field}__in": chunk}).values_list(key_field, "pk"))
    return pks


def link_pairs(
    through: type[models.Model], left: str, right: str, pairs: set[tuple[int, int]], counts: Counts, kind: str
) -> None:
    """Add the (left, right) rows of a many-to-many table that are missing; never remove any."""
    if not pairs:
        return
    lefts = sorted({a for a, _ in pairs})
    existing: set[tuple[int, int]] = set()
    for chunk in _chunks(lefts, BATCH):
        existing.update(through._default_manager.filter(**{f"{left}__in": chunk}).values_list(left, right))
    missing = pairs - existing
    insert_rows(through, [left.removesuffix("_id"), right.removesuffix("_id")], sorted(missing))
    counts.add(kind, "created", len(missing))
    counts.add(kind, "unchanged", len(pairs) - len(missing))


def wards_by_code() -> dict[str, int]:
    return dict(m.Ward.objects.values_list("code", "pk"))


def ensure_register(dry_run: bool) -> None:
    """Imports go into whatever register is stored; a real import means it no longer holds only the demo.

    docs/decisions/0030-open-data-imports-into-any-register.md: the demo's fictional organisations keep
    `fictional=True`, so every page still says so while any remain.
    """
    register = m.Register.objects.first()
    if register is None:
        m.Register.objects.create(name="Imported register", year=clock.now().year, demo=False)
    elif register.demo and not dry_run:
        register.demo = False
        register.save(update_fields=["demo"])


def tie_kind(value: str) -> str:
    return FundingKind(value).value
