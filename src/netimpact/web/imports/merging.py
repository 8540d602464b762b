"""Merge two register organisations that are one, and undo it exactly.

A merge moves every row that points at the removed organisation (its Org-IDs, finances, services,
funding ties, premises, bids, users...) to the kept one, adds its wards and joint deliveries, records
exactly what moved in an OrganisationMerge, then deletes the removed organisation. Unmerge recreates it
with the same primary key and fields and moves back exactly those rows. Two organisations with different
numbers in one register (two GB-CHC numbers) are never merged: they are different bodies.
"""

from __future__ import annotations

from typing import Any

from django.apps import apps
from django.db import models, transaction
from django.forms.models import model_to_dict

from netimpact.standards.matching import conflicting
from netimpact.web import clock
from netimpact.web.audit.models import AuditKind
from netimpact.web.audit.recorder import record_event
from netimpact.web.register import models as m

from .models import CharityYear, MatchReview, OrganisationMerge

# Rows keyed by (organisation, year): two of the same year cannot both belong to the kept organisation.
_PER_YEAR = (m.FinancialYear, CharityYear)


class MergeRefused(ValueError):
    """The merge would join different bodies or lose data; the message says why."""


def _label(org: m.Organisation) -> str:
    return f"{org.name} ({org.org_id})"


def _ids(org: m.Organisation) -> set[str]:
    return {org.org_id, *org.identifiers.values_list("value", flat=True)}


def _foreign_keys() -> list[tuple[type[models.Model], str]]:
    """Every (model, field) pointing at Organisation, except this app's own bookkeeping."""
    found = []
    for relation in m.Organisation._meta.related_objects:
        model = relation.related_model
        if relation.many_to_many or (model._meta.app_label == "imports" and model is not CharityYear):
            continue
        if relation.one_to_many or relation.one_to_one:
            found.append((model, relation.field.name))
    return found


def check_merge(kept: m.Organisation, removed: m.Organisation) -> None:
    if kept.pk == removed.pk:
        raise MergeRefused("An organisation cannot be merged with itself.")
    clash = conflicting(_ids(kept), _ids(removed))
    if clash:
        raise MergeRefused(
            f"{_label(kept)} and {_label(removed)} hold different {clash} numbers: they are different "
            "bodies and are never merged, however alike their names."
        )
    for model in _PER_YEAR:
        years = set(model.objects.filter(organisation=kept).values_list("year", flat=True)) & set(
            model.objects.filter(organisation=removed).values_list("year", flat=True)
        )
        if years:
            raise MergeRefused(
                f"Both organisations have {model._meta.verbose_name_plural} for "
                f"{', '.join(map(str, sorted(years)))}; "
                "a merge would have to drop one set of accounts. Correct the register first."
            )


def _who(user: Any, actor_label: str) -> dict[str, Any]:
    signed_in = getattr(user, "is_authenticated", False)
    return {"actor": user if signed_in else None, "actor_label": None if signed_in else actor_label}


def merge(
    kept: m.Organisation,
    removed: m.Organisation,
    *,
    user: Any,
    review: MatchReview | None = None,
    actor_label: str = "netimpact",
) -> OrganisationMerge:
    with transaction.atomic():
        check_merge(kept, removed)
        moved_fks = []
        for model, field in _foreign_keys():
            pks = list(model._default_manager.filter(**{field: removed}).values_list("pk", flat=True))
            if pks:
                model._default_manager.filter(pk__in=pks).update(**{field: kept})
                moved_fks.append([model._meta.label, field, pks])
        removed_wards = set(removed.wards.values_list("pk", flat=True))
        kept_wards = set(kept.wards.values_list("pk", flat=True))
        kept.wards.add(*removed_wards)
        joint = list(removed.joint_deliveries.values_list("pk", flat=True))
        kept_joint = set(kept.joint_deliveries.values_list("pk", flat=True))
        for delivery in m.JointDelivery.objects.filter(pk__in=joint):
            delivery.organisations.add(kept)
        snapshot = model_to_dict(removed, exclude=["wards", "id"])
        reviews = (
            list(MatchReview.objects.filter(incoming=removed).values_list("pk", flat=True)),
            list(MatchReview.objects.filter(existing=removed).values_list("pk", flat=True)),
        )
        record = OrganisationMerge.objects.create(
            kept=kept,
            kept_label=_label(kept),
            removed_pk=removed.pk,
            removed_label=_label(removed),
            moved={
                "organisation": snapshot,
                "foreign_keys": moved_fks,
                "wards": sorted(removed_wards),
                "wards_added_to_kept": sorted(removed_wards - kept_wards),
                "joint_deliveries": sorted(joint),
                "joint_deliveries_added_to_kept": sorted(set(joint) - kept_joint),
                "reviews_incoming": reviews[0],
                "reviews_existing": reviews[1],
            },
            review=review,
            merged_by=user if getattr(user, "is_authenticated", False) else None,
            merged_at=clock.now(),
        )
        label = _label(removed)
        removed.delete()
        if review is not None:
            MatchReview.objects.filter(pk=review.pk).update(
                status=MatchReview.Status.MERGED, decided_by=_who(user, "")["actor"], decided_at=clock.now()
            )
            review.refresh_from_db()
        record_event(
            AuditKind.REGISTER_IMPORTED,
            **_who(user, actor_label),
            summary=f"Merged {label} into {_label(kept)}",
            details={
                "merge": record.pk,
                "moved": {k: v for k, v in record.moved.items() if k != "organisation"},
            },
        )
        return record


def unmerge(record: OrganisationMerge, *, user: Any, actor_label: str = "netimpact") -> m.Organisation:
    if record.undone_at is not None:
        raise MergeRefused("This merge has already been undone.")
    if record.kept_id is None:
        raise MergeRefused("The kept organisation has since been deleted, so the merge cannot be undone.")
    with transaction.atomic():
        moved = record.moved
        restored = m.Organisation(pk=record.removed_pk, **moved["organisation"])
        restored.save(force_insert=True)
        restored.wards.set(moved["wards"])
        for label, field, pks in moved["foreign_keys"]:
            apps.get_model(label)._default_manager.filter(pk__in=pks).update(**{field: restored})
        kept = m.Organisation.objects.get(pk=record.kept_id)
        kept.wards.remove(*moved["wards_added_to_kept"])
        for delivery in m.JointDelivery.objects.filter(pk__in=moved["joint_deliveries"]):
            delivery.organisations.add(restored)
            if delivery.pk in moved["joint_deliveries_added_to_kept"]:
                delivery.organisations.remove(kept)
        MatchReview.objects.filter(pk__in=moved["reviews_incoming"]).update(incoming=restored)
        MatchReview.objects.filter(pk__in=moved["reviews_existing"]).update(existing=restored)
        if record.review_id is not None:
            MatchReview.objects.filter(pk=record.review_id).update(
                status=MatchReview.Status.OPEN, decided_by=None, decided_at=None
            )
        record.undone_by = user if getattr(user, "is_authenticated", False) else None
        record.undone_at = clock.now()
        record.save()
        record_event(
            AuditKind.REGISTER_IMPORTED,
            **_who(user, actor_label),
            summary=f"Undid the merge of {record.removed_label} into {record.kept_label}",
            details={"merge": record.pk},
        )
        return restored


def keep_apart(review: MatchReview, *, user: Any) -> None:
    review.status, review.decided_at = MatchReview.Status.KEPT_APART, clock.now()
    review.decided_by = _who(user, "")["actor"]
    review.save()
