"""Organisations and memberships for the administrator role. The access log is not here: it is person-level
(the DPO reads it through the audited access-log pages); see ``admin_policy``."""

from auditlog.registry import auditlog
from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from ambito.accounts.models import Membership, Organisation


class MembershipForm(forms.ModelForm):
    """An administrator does not grant or change their own memberships (and so their own access): another
    administrator does, or the emergency superuser."""

    actor = None  # set per request by the admin

    def clean(self):
        cleaned = super().clean()
        actor = self.actor
        user = cleaned.get("user") or getattr(self.instance, "user", None)
        if actor is not None and not actor.is_superuser and user is not None and user.pk == actor.pk:
            raise ValidationError(_("You cannot change your own memberships: another administrator must."))
        return cleaned


class MembershipInline(admin.TabularInline):
    model = Membership
    form = MembershipForm
    extra = 0
    autocomplete_fields = ["user"]

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        formset.form.actor = request.user
        return formset


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "ambito", "comune", "active"]
    list_filter = ["kind", "ambito", "active"]
    search_fields = ["name", "tax_code"]
    autocomplete_fields = ["comune", "parent"]
    filter_horizontal = ["comuni_served"]
    inlines = [MembershipInline]
    list_select_related = ["ambito", "comune"]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    form = MembershipForm
    list_display = ["user", "organisation", "role", "active"]
    list_filter = ["role", "active", "organisation__kind"]
    search_fields = ["user__username", "organisation__name"]
    autocomplete_fields = ["user", "organisation"]
    list_select_related = ["user", "organisation"]

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        form.actor = request.user
        return form


auditlog.register(Organisation)
auditlog.register(Membership)
