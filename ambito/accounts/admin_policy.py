"""What the Django admin (``/admin/``) may show and who may use it.

The admin is the administrator role's tool for user accounts, organisations, memberships and reference data
(scales and triage rules, taxonomy, the service catalogue, the Piano di Zona's tables, territory). The
authorisation matrix gives administrators no person-level access, and the admin is no side door to it:

- **No person-level record is in the admin, for anyone, superusers included.** Every model that leads to a
  person (persons, requests, assessments, care plans, referrals, case notes...: each source of the privacy
  registry), the access log, background
  jobs (private to whoever asked for them), django-auditlog's change log (it keeps whole records), API tokens,
  two-factor devices and sessions. ``apply`` unregisters any that an app registered; the system check
  ``ambito.E_ADMIN1`` fails if one is registered again (``tests/test_admin_policy.py`` walks every page).
  Since no admin page holds person data, no admin page has an access-log row to write.
- **Every page is allowed by the administrator role** (``Role.ADMINISTRATOR``), not by Django's model
  permissions, which a group or a stray grant could give: a staff user without the role sees nothing.
  A page an admin class narrows further (read-only lists) stays narrowed.
- **Accounts:** an administrator cannot make anyone a superuser, change or delete a superuser, nor change
  their own memberships (another administrator does it).
- **Superusers exist for emergencies only** (``manage.py emergency_superuser``); in the admin they pass the
  role check, and see the same pages, without person data.
"""

from django.apps import apps
from django.contrib import admin
from django.contrib.admin.options import BaseModelAdmin, InlineModelAdmin
from django.core import checks
from django.utils.translation import gettext_lazy as _

from ambito.accounts.roles import Role
from ambito.accounts.selectors import scope_for

PERMISSIONS = ("has_module_permission", "has_view_permission", "has_add_permission", "has_change_permission",
               "has_delete_permission")

# Models that hold person-level data or credentials besides the privacy registry's sources.
PERSON_LEVEL = frozenset({
    "accounts.AccessLog",  # the DPO reads it through the audited access-log pages
    "core.Job",  # a job and its file are visible to the user who asked for it only
    "auditlog.LogEntry",  # change history with whole records in it
    "admin.LogEntry",  # the admin's own history keeps object names
    "knox.AuthToken",  # an "add" form would mint a token for any user
    "authtoken.Token",
    "authtoken.TokenProxy",
    "sessions.Session",
    "django_tasks_database.DBTaskResult",  # the job queue's arguments and errors
})
# Every model of these apps (two-factor devices and their secrets or recovery codes).
PERSON_LEVEL_APPS = ("otp",)


def administers(user) -> bool:
    """Whether ``user`` may use the admin: an active administrator, or the emergency superuser."""
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    return user.is_superuser or scope_for(user).has(Role.ADMINISTRATOR)


PERSON_MODEL = "access.Person"


def _reaches_person(model, seen: set) -> bool:
    """Whether ``model`` is the person or points at it through its own foreign keys, one-to-ones and
    many-to-manys (a plan's goal through its plan, an attachment through its note): every source of the
    privacy registry does, since each is filtered by such a path."""
    if model._meta.label == PERSON_MODEL:
        return True
    seen.add(model)
    return any(field.related_model is not None and field.related_model not in seen
               and _reaches_person(field.related_model, seen)
               for field in model._meta.get_fields()
               if (field.many_to_one or field.one_to_one or field.many_to_many) and field.concrete)


def is_person_level(model) -> bool:
    opts = model._meta
    if opts.label in PERSON_LEVEL or opts.app_label.startswith(PERSON_LEVEL_APPS):
        return True
    return _reaches_person(model, set())


class RoleChecked:
    """Marks an admin class whose permissions come from the administrator role (see ``role_checked``)."""


def _gate(narrowed):
    def check(self, request, *args, **kwargs):
        if not administers(request.user):
            return False
        return True if narrowed is None else narrowed(self, request, *args, **kwargs)

    return check


def _deleted_objects(self, objs, request):
    """Django's summary of what a delete takes with it, naming no person: a person-level row is shown by its
    kind only, and a delete that would cascade to person-level rows is refused (they are not edited here)."""
    from django.contrib.admin.utils import NestedObjects, quote
    from django.db import router
    from django.urls import NoReverseMatch, reverse
    from django.utils.html import format_html
    from django.utils.text import capfirst

    objs = list(objs)
    if not objs:
        return [], {}, set(), []
    collector = NestedObjects(using=router.db_for_write(objs[0]._meta.model), origin=objs)
    collector.collect(objs)
    perms_needed = set()

    def describe(obj):
        opts = obj._meta
        if is_person_level(type(obj)):
            return format_html("{}: {}", capfirst(opts.verbose_name), _("personal data not shown"))
        if not self.admin_site.is_registered(type(obj)):
            return format_html("{}: {}", capfirst(opts.verbose_name), obj)
        if not self.admin_site.get_model_admin(type(obj)).has_delete_permission(request, obj):
            perms_needed.add(opts.verbose_name)
        try:
            url = reverse(f"{self.admin_site.name}:{opts.app_label}_{opts.model_name}_change", args=[quote(obj.pk)])
        except NoReverseMatch:
            return format_html("{}: {}", capfirst(opts.verbose_name), obj)
        return format_html('{}: <a href="{}">{}</a>', capfirst(opts.verbose_name), url, obj)

    to_delete = collector.nested(describe)
    protected = [describe(obj) for obj in collector.protected]
    for model, rows in collector.model_objs.items():
        if rows and is_person_level(model):
            perms_needed.add(model._meta.verbose_name)
    counts = {model._meta.verbose_name_plural: len(rows) for model, rows in collector.model_objs.items()}
    return to_delete, counts, perms_needed, protected


def role_checked(cls):
    """A subclass of an admin class (or inline) whose permissions are the administrator role's, and, where the
    class itself narrows one (a read-only list, no add page), that narrowing too."""
    if issubclass(cls, RoleChecked):
        return cls
    defaults = (BaseModelAdmin, admin.ModelAdmin, InlineModelAdmin)
    namespace = {"__module__": cls.__module__, "__doc__": cls.__doc__}
    for name in PERMISSIONS:
        method = getattr(cls, name, None)
        if method is None:
            continue
        inherited = any(getattr(base, name, None) is method for base in defaults)
        namespace[name] = _gate(None if inherited else method)
    if issubclass(cls, admin.ModelAdmin):
        namespace["inlines"] = [role_checked(inline) for inline in cls.inlines]
        namespace["get_deleted_objects"] = _deleted_objects
    return type(cls.__name__, (RoleChecked, cls), namespace)


def _user_admin(base):
    class AmbitoUserAdmin(base):
        """Accounts for the administrator: no superuser is made, edited or removed but by a superuser."""

        ambito_accounts = True

        def get_readonly_fields(self, request, obj=None):
            fields = list(super().get_readonly_fields(request, obj))
            if not request.user.is_superuser:
                fields += [f for f in ("is_superuser", "groups", "user_permissions") if f not in fields]
            return fields

        def has_change_permission(self, request, obj=None):
            return not (obj is not None and obj.is_superuser and not request.user.is_superuser)

        def has_delete_permission(self, request, obj=None):
            return self.has_change_permission(request, obj)

    return AmbitoUserAdmin


def apply(site=None) -> None:
    """Make ``site`` (the default admin site) follow this policy; called once the admin modules are loaded."""
    from django.contrib.auth import get_user_model

    site = site or admin.site
    for model in list(site._registry):
        if is_person_level(model):
            site.unregister(model)
    User = get_user_model()
    if User in site._registry and not getattr(site._registry[User], "ambito_accounts", False):
        base = type(site._registry[User])
        site.unregister(User)
        site.register(User, _user_admin(base))
    for model, model_admin in list(site._registry.items()):
        if not isinstance(model_admin, RoleChecked):
            site.unregister(model)
            site.register(model, role_checked(type(model_admin)))


@checks.register(checks.Tags.admin, checks.Tags.security)
def check_admin_holds_no_person_data(app_configs=None, **kwargs):
    """Fails if a person-level model (or an inline of one) is in the admin, or a page skips the role check."""
    if not apps.is_installed("django.contrib.admin"):
        return []
    errors = []
    for model, model_admin in admin.site._registry.items():
        shown = [model, *(inline.model for inline in getattr(model_admin, "inlines", []))]
        for each in shown:
            if is_person_level(each):
                errors.append(checks.Error(
                    f"{each._meta.label} holds person-level data and is shown in the Django admin "
                    f"(through {model._meta.label})", hint="Person data is read through the audited pages only; "
                    "see ambito/accounts/admin_policy.py.", obj=type(model_admin), id="ambito.E_ADMIN1"))
        if not isinstance(model_admin, RoleChecked):
            errors.append(checks.Error(
                f"The admin of {model._meta.label} is not limited to the administrator role",
                hint="ambito.accounts.admin_policy.apply() wraps every admin registered before it runs.",
                obj=type(model_admin), id="ambito.E_ADMIN2"))
    return errors
