"""Exercises and bids in the admin: an exercise's page carries its quality questions and its bids; a bid's
page carries its subcontracts, partnerships and commitments with the state of each claim."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import Count, Q, QuerySet
from django.http import HttpRequest
from django.urls import reverse
from django.utils.html import format_html

from . import models as m
from .sealing import opened_exercise_keys


class QualityQuestionInline(admin.TabularInline):
    model = m.QualityQuestion
    fields = ("key", "text", "weight", "max_score", "scale")
    extra = 0


def opened(bids: QuerySet[m.Bid]) -> QuerySet[m.Bid]:
    """Only bids whose exercise's deadline has passed, and only submitted ones: the sealing rule of
    commissioning.sealing (opened_bids), applied to the admin's lists and pages. Before the deadline a
    bid is not listed, and its page (and its claims' pages) answer as if it did not exist."""
    return bids.filter(exercise__key__in=opened_exercise_keys(), status=m.BidStatus.SUBMITTED)


class OpenedClaimsOnly:
    """A claim's bid is chosen from opened bids only: the add form's list must not name sealed bids."""

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.name == "bid":
            kwargs["queryset"] = opened(m.Bid.objects.all())
        return super().formfield_for_foreignkey(db_field, request, **kwargs)  # type: ignore[misc]


class BidInline(admin.TabularInline):
    model = m.Bid
    fields = ("key", "bidder", "title", "price_per_year", "quality_score")
    autocomplete_fields = ("bidder",)
    extra = 0
    show_change_link = True  # the bid's claims are edited on its own page

    def get_queryset(self, request: HttpRequest) -> QuerySet[m.Bid]:
        return opened(super().get_queryset(request))

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False  # bids come from bidders (the portal) or a bundle, never typed in by an officer


@admin.register(m.Exercise)
class ExerciseAdmin(admin.ModelAdmin):
    list_display = (
        "title",
        "key",
        "status",
        "commissioner",
        "budget_per_year",
        "term_years",
        "deadline",
        "bid_count",
    )
    list_filter = ("status", "price_formula", "deadline")
    search_fields = ("title", "key", "commissioner__name")
    autocomplete_fields = ("commissioner",)
    filter_horizontal = ("cohorts", "replaced_streams", "wards")
    list_select_related = ("commissioner",)
    inlines = (QualityQuestionInline, BidInline)

    def get_queryset(self, request: HttpRequest) -> QuerySet[m.Exercise]:
        submitted = Q(bids__status=m.BidStatus.SUBMITTED)
        return (
            super().get_queryset(request).annotate(bid_total=Count("bids", filter=submitted, distinct=True))
        )

    @admin.display(description="submitted bids", ordering="bid_total")
    def bid_count(self, exercise: m.Exercise) -> int:
        return int(exercise.bid_total)  # type: ignore[attr-defined]


@admin.register(m.QualityQuestion)
class QualityQuestionAdmin(admin.ModelAdmin):
    list_display = ("key", "exercise", "weight", "max_score")
    list_filter = ("exercise",)
    search_fields = ("key", "text")
    list_select_related = ("exercise",)


class SubcontractInline(admin.TabularInline):
    model = m.Subcontract
    autocomplete_fields = ("partner",)
    extra = 0


class PartnershipInline(admin.TabularInline):
    model = m.Partnership
    autocomplete_fields = ("partner_service", "cohort")
    extra = 0


class CommitmentInline(admin.TabularInline):
    model = m.Commitment
    autocomplete_fields = ("partner",)
    extra = 0


@admin.register(m.Bid)
class BidAdmin(admin.ModelAdmin):
    list_display = ("title", "key", "exercise", "bidder", "price_per_year", "quality_score")
    list_filter = ("exercise", "bidder__kind")
    search_fields = ("title", "key", "bidder__name", "bidder__org_id")
    autocomplete_fields = ("bidder",)
    filter_horizontal = ("service_needs", "service_eligible_cohorts", "service_wards", "service_entry_points")
    list_select_related = ("exercise", "bidder")
    inlines = (SubcontractInline, PartnershipInline, CommitmentInline)

    def get_queryset(self, request: HttpRequest) -> QuerySet[m.Bid]:
        return opened(super().get_queryset(request))

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False


@admin.register(m.Subcontract)
class SubcontractAdmin(OpenedClaimsOnly, admin.ModelAdmin):
    def get_queryset(self, request: HttpRequest) -> QuerySet[m.Subcontract]:
        return super().get_queryset(request).filter(bid__in=opened(m.Bid.objects.all()))

    list_display = ("bid", "partner", "amount_per_year", "state")
    list_filter = ("state", "bid__exercise")
    search_fields = ("partner__name", "partner__org_id", "bid__title")
    autocomplete_fields = ("partner",)
    list_select_related = ("bid", "partner")


@admin.register(m.Partnership)
class PartnershipAdmin(OpenedClaimsOnly, admin.ModelAdmin):
    def get_queryset(self, request: HttpRequest) -> QuerySet[m.Partnership]:
        return super().get_queryset(request).filter(bid__in=opened(m.Bid.objects.all()))

    list_display = ("bid", "partner_service", "mechanism", "cohort", "state")
    list_filter = ("state", "mechanism", "bid__exercise")
    search_fields = ("partner_service__name", "bid__title")
    autocomplete_fields = ("partner_service", "cohort")
    list_select_related = ("bid", "partner_service", "cohort")


@admin.register(m.Commitment)
class CommitmentAdmin(OpenedClaimsOnly, admin.ModelAdmin):
    def get_queryset(self, request: HttpRequest) -> QuerySet[m.Commitment]:
        return super().get_queryset(request).filter(bid__in=opened(m.Bid.objects.all()))

    list_display = ("bid", "kind", "quantity_per_year", "partner", "state")
    list_filter = ("state", "kind", "bid__exercise")
    search_fields = ("partner__name", "bid__title", "description")
    autocomplete_fields = ("partner",)
    list_select_related = ("bid", "partner")


@admin.register(m.EvaluationRun)
class EvaluationRunAdmin(admin.ModelAdmin):
    """Runs are made from the evaluation page and kept as run: the admin lists and shows them, no more."""

    list_display = ("exercise", "run_at", "run_by", "draws", "seed", "parameter_version", "seconds_taken")
    list_filter = ("exercise", "run_at")
    search_fields = ("exercise__title", "exercise__key", "inputs_hash", "run_by__username")
    list_select_related = ("exercise", "run_by")
    exclude = ("result", "labels")  # large JSON documents; the evaluation page reads them

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(m.CriteriaChange)
class CriteriaChangeAdmin(admin.ModelAdmin):
    """Changes are made from the criteria page, with a reason bidders were sent: the admin only shows them."""

    list_display = ("exercise", "changed_at", "changed_by", "reason")
    list_filter = ("exercise", "changed_at")
    search_fields = ("exercise__title", "exercise__key", "reason", "changed_by__username")
    list_select_related = ("exercise", "changed_by")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


class SealedWithTheBid(admin.ModelAdmin):
    """A bid's answers, partner contacts and files: listed and shown only once the bid is opened (the
    sealing rule), and only shown: they are the bidder's words, changed in the bidder portal or not at all."""

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        return super().get_queryset(request).filter(bid__in=opened(m.Bid.objects.all()))

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(m.BidAnswer)
class BidAnswerAdmin(SealedWithTheBid):
    list_display = ("bid", "question", "updated_at")
    list_filter = ("bid__exercise",)
    search_fields = ("bid__key", "bid__title", "question__key", "text")
    list_select_related = ("bid", "question")


@admin.register(m.PartnerContact)
class PartnerContactAdmin(SealedWithTheBid):
    list_display = ("bid", "organisation", "name", "email", "phone")
    list_filter = ("bid__exercise",)
    search_fields = ("bid__key", "organisation__name", "name", "email")
    list_select_related = ("bid", "organisation")


@admin.register(m.BidAttachment)
class BidAttachmentAdmin(SealedWithTheBid):
    """The file itself is opened through the bidder portal's download, which checks who is asking."""

    list_display = ("bid", "name", "size", "content_type", "uploaded_at")
    list_filter = ("bid__exercise", "content_type")
    search_fields = ("bid__key", "bid__title", "name")
    list_select_related = ("bid",)
    fields = ("bid", "name", "download", "size", "content_type", "uploaded_by", "uploaded_at")
    readonly_fields = fields

    @admin.display(description="file")
    def download(self, attachment: m.BidAttachment) -> str:
        address = reverse("bidding:download", args=[attachment.bid.key, attachment.pk])
        return format_html('<a href="{}">Download {}</a>', address, attachment.name)
