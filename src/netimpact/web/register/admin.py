"""The register in the admin: officers look organisations up by name or any Org-ID, filter by kind and
ward, and edit an organisation's identifiers, finances, assets and services on its own page."""

from __future__ import annotations

from django.contrib import admin
from django.db.models import Count, QuerySet, Sum
from django.http import HttpRequest

from . import models as m

# ------------------------------------------------------------------------------------- code tables


@admin.register(m.Register)
class RegisterAdmin(admin.ModelAdmin):
    list_display = ("name", "year", "demo", "saved_at")


@admin.register(m.Ward)
class WardAdmin(admin.ModelAdmin):
    list_display = ("name", "code", "imd_score", "imd_proportion_most_deprived")
    search_fields = ("name", "code")


@admin.register(m.Need)
class NeedAdmin(admin.ModelAdmin):
    list_display = ("code", "__str__")
    search_fields = ("code",)


@admin.register(m.EntryPoint)
class EntryPointAdmin(admin.ModelAdmin):
    list_display = ("code", "__str__")
    search_fields = ("code",)


# ----------------------------------------------------------------------------------- organisations


class OrgIdentifierInline(admin.TabularInline):
    model = m.OrgIdentifier
    fields = ("value", "scheme")
    readonly_fields = ("scheme",)
    extra = 0


class FinancialYearInline(admin.TabularInline):
    model = m.FinancialYear
    fields = ("year", "expenditure", "free_reserves", "net_assets", "admin_costs")
    extra = 0
    show_change_link = True  # income by source is edited on the year's own page


class CommunityAssetInline(admin.TabularInline):
    model = m.CommunityAsset
    extra = 0


class ServiceInline(admin.TabularInline):
    model = m.Service
    fields = ("key", "name", "capacity_per_year")
    extra = 0
    show_change_link = True  # needs, cohorts, wards and entry points on the service's own page


@admin.register(m.Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ("name", "org_id", "kind", "staff", "volunteers", "service_count", "fictional")
    list_filter = ("kind", "fictional", "wards")
    search_fields = ("name", "org_id", "identifiers__value", "postcode")
    filter_horizontal = ("wards",)
    inlines = (OrgIdentifierInline, FinancialYearInline, CommunityAssetInline, ServiceInline)

    def get_queryset(self, request: HttpRequest) -> QuerySet[m.Organisation]:
        return super().get_queryset(request).annotate(service_total=Count("services", distinct=True))

    @admin.display(description="services", ordering="service_total")
    def service_count(self, organisation: m.Organisation) -> int:
        return int(organisation.service_total)  # type: ignore[attr-defined]


@admin.register(m.OrgIdentifier)
class OrgIdentifierAdmin(admin.ModelAdmin):
    list_display = ("value", "scheme", "organisation")
    list_filter = ("scheme",)
    search_fields = ("value", "organisation__name")
    autocomplete_fields = ("organisation",)
    list_select_related = ("organisation",)


class IncomeLineInline(admin.TabularInline):
    model = m.IncomeLine
    extra = 0


@admin.register(m.FinancialYear)
class FinancialYearAdmin(admin.ModelAdmin):
    list_display = ("organisation", "year", "income", "expenditure", "free_reserves", "net_assets")
    list_filter = ("year", "organisation__kind")
    search_fields = ("organisation__name", "organisation__org_id")
    autocomplete_fields = ("organisation",)
    list_select_related = ("organisation",)
    inlines = (IncomeLineInline,)

    def get_queryset(self, request: HttpRequest) -> QuerySet[m.FinancialYear]:
        return super().get_queryset(request).annotate(income_total=Sum("income_lines__amount"))

    @admin.display(description="income (£)", ordering="income_total")
    def income(self, year: m.FinancialYear) -> str:
        return f"{year.income_total or 0:,.0f}"  # type: ignore[attr-defined]


@admin.register(m.IncomeLine)
class IncomeLineAdmin(admin.ModelAdmin):
    list_display = ("financial_year", "source", "amount")
    list_filter = ("source",)
    search_fields = ("financial_year__organisation__name",)
    list_select_related = ("financial_year__organisation",)
    raw_id_fields = ("financial_year",)


@admin.register(m.CommunityAsset)
class CommunityAssetAdmin(admin.ModelAdmin):
    list_display = ("name", "kind", "organisation", "community_hours_per_week")
    list_filter = ("kind",)
    search_fields = ("name", "organisation__name")
    autocomplete_fields = ("organisation",)
    list_select_related = ("organisation",)


# ------------------------------------------------------------------------------ cohorts and services


class CohortEntryShareInline(admin.TabularInline):
    model = m.CohortEntryShare
    extra = 0


@admin.register(m.Cohort)
class CohortAdmin(admin.ModelAdmin):
    list_display = ("name", "key", "size_per_year", "unit_cost_unmet_need")
    list_filter = ("needs", "wards")
    search_fields = ("name", "key")
    filter_horizontal = ("needs", "wards")
    inlines = (CohortEntryShareInline,)


@admin.register(m.CohortEntryShare)
class CohortEntryShareAdmin(admin.ModelAdmin):
    list_display = ("cohort", "entry_point", "share")
    list_filter = ("entry_point",)
    list_select_related = ("cohort", "entry_point")


@admin.register(m.Service)
class ServiceAdmin(admin.ModelAdmin):
    list_display = ("name", "key", "organisation", "capacity_per_year")
    list_filter = ("needs", "entry_points", "organisation__kind", "wards")
    search_fields = ("name", "key", "organisation__name", "organisation__org_id")
    autocomplete_fields = ("organisation",)
    filter_horizontal = ("needs", "eligible_cohorts", "wards", "entry_points")
    list_select_related = ("organisation",)


# -------------------------------------------------------------------------------------------- ties


@admin.register(m.FundingTie)
class FundingTieAdmin(admin.ModelAdmin):
    list_display = ("key", "funder", "recipient", "kind", "amount_per_year", "start", "end")
    list_filter = ("kind",)
    search_fields = ("key", "funder__name", "funder__org_id", "recipient__name", "recipient__org_id")
    autocomplete_fields = ("funder", "recipient", "service")
    list_select_related = ("funder", "recipient")


@admin.register(m.ReferralRoute)
class ReferralRouteAdmin(admin.ModelAdmin):
    list_display = ("key", "from_service", "to_service", "people_per_year", "income_per_year")
    search_fields = ("key", "from_service__name", "to_service__name")
    autocomplete_fields = ("from_service", "to_service")
    list_select_related = ("from_service", "to_service")


@admin.register(m.SharedPremises)
class SharedPremisesAdmin(admin.ModelAdmin):
    list_display = ("key", "premises", "host", "tenant", "replacement_cost")
    search_fields = ("key", "premises", "host__name", "tenant__name")
    autocomplete_fields = ("host", "tenant")
    list_select_related = ("host", "tenant")


@admin.register(m.JointDelivery)
class JointDeliveryAdmin(admin.ModelAdmin):
    list_display = ("key", "service", "description")
    search_fields = ("key", "description", "organisations__name")
    autocomplete_fields = ("organisations", "service")
    list_select_related = ("service",)
