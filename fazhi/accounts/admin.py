from django.contrib import admin

from fazhi.accounts.models import Profile


@admin.register(Profile)
class ProfileAdmin(admin.ModelAdmin):
    list_display = ["user", "role", "unit", "officer"]
    list_filter = ["role"]
    raw_id_fields = ["officer", "unit"]
