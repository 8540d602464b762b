from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from .models import User


@admin.register(User)
class NetimpactUserAdmin(UserAdmin):
    list_display = ("username", "role", "organisation", "is_staff", "is_active")
    list_filter = ("role", "is_staff", "is_active")
    raw_id_fields = ("organisation",)  # works whatever the register admin offers
    fieldsets = (
        *UserAdmin.fieldsets,
        ("Role in netimpact", {"fields": ("role", "organisation")}),
    )
    add_fieldsets = (
        *UserAdmin.add_fieldsets,
        ("Role in netimpact", {"fields": ("role", "organisation")}),
    )
