"""The Django admin is no side door to person data (ambito/accounts/admin_policy.py).

Every registered admin page (list, add, change, history and delete confirmation of some objects of each model)
is opened as every demo persona and as an emergency superuser, on the whole demo Ambito; no answer may hold a
person's codice fiscale, name, address, phone, e-mail, household or case-note text, pseudonym, nor an API key.
No admin page holds person data, so none has an access-log row to write: the walk checks that too."""

import html

import pytest
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.urls import NoReverseMatch, reverse

from ambito.accounts.admin_policy import check_admin_holds_no_person_data, is_person_level
from ambito.accounts.models import AccessLog, Membership
from ambito.accounts.roles import Role

PERSONAS = ["planner", "sw.monza", "sw.brugherio", "asl.operator", "gp", "ets.operator", "observer", "admin", "dpo",
            "citizen"]
OBJECTS_PER_MODEL = 3


@pytest.fixture
def world(demo_with):
    return demo_with("network", "planning", "access", "care", "monitoring", "privacy")


@pytest.fixture
def superuser(db):
    call_command("emergency_superuser", "emergenza", reason="test: nobody can sign in as administrator")
    return get_user_model().objects.get(username="emergenza")


def _needles(world) -> set[str]:
    """What a page must never show: the seeded persons' identity, contacts and notes, and API keys."""
    from ambito.access.models import Person
    from ambito.accounts.services import api_token_issue
    from ambito.care.models import CaseNote
    from ambito.network.models import Location

    needles = set()
    for person in Person.objects.all():
        needles |= {person.fiscal_code, f"{person.first_name} {person.last_name}",
                    f"{person.last_name} {person.first_name}", person.address, person.phone, person.email,
                    person.household_notes, person.pseudonym}
    needles |= set(CaseNote.objects.values_list("text", flat=True))
    needles |= {api_token_issue(user=user)[0] for user in world.users.values()}
    # Not personal: the same words in reference data (a service's address, a colleague's name).
    staff = {f"{u.first_name} {u.last_name}" for u in get_user_model().objects.all()}
    places = " ".join(Location.objects.values_list("address", flat=True))
    return {n for n in needles if n and len(n) >= 6 and n not in staff and n not in places}


def _pages(model, model_admin) -> list[str]:
    opts = model._meta
    name = f"admin:{opts.app_label}_{opts.model_name}"
    pages = [reverse(f"{name}_changelist"), reverse(f"{name}_add")]
    for obj in model._default_manager.order_by("pk")[:OBJECTS_PER_MODEL]:
        for page in ("change", "history", "delete"):
            try:
                pages.append(reverse(f"{name}_{page}", args=[obj.pk]))
            except NoReverseMatch:
                pass
    return pages


def _walk(client, needles) -> list[str]:
    leaks = []
    for model, model_admin in sorted(admin.site._registry.items(), key=lambda item: item[0]._meta.label):
        for page in _pages(model, model_admin):
            response = client.get(page)
            assert response.status_code in (200, 302, 403, 404), (page, response.status_code)
            text = html.unescape(response.content.decode())
            leaks += [f"{page}: {needle!r}" for needle in needles if needle in text]
    return leaks


def test_no_admin_page_shows_person_data_to_anyone_the_superuser_included(client, world, superuser):
    from ambito.access.models import Person

    # a person shared with an organisation and living in a Comune: both have delete pages that list what
    # hangs on them
    person = Person.objects.order_by("pk").first()
    person.shared_with.add(world.organisations["coop_ponte"])
    needles = _needles(world)
    assert len(needles) > 50
    logged = AccessLog.objects.count()
    opened = {}
    for username, user in [*((u, world.users[u]) for u in PERSONAS), ("superuser", superuser)]:
        client.force_login(user)
        leaks = _walk(client, needles)
        assert not leaks, f"{username} sees person data in the admin: {leaks[:5]}"
        opened[username] = client.get(reverse("admin:index")).status_code
    # only the administrator and the superuser get in; the pages they open hold no person data, so they log
    # nothing in the access log
    assert {u for u, status in opened.items() if status == 200} == {"admin", "superuser"}
    assert AccessLog.objects.count() == logged


def test_no_person_level_model_or_credential_is_registered():
    from ambito.privacy.registry import sources

    registered = set(admin.site._registry)
    shown = registered | {inline.model for a in admin.site._registry.values() for inline in a.inlines}
    assert not {m for m in shown if is_person_level(m)}
    # every source of person data of the privacy registry counts as person-level
    assert all(is_person_level(source.model_class) for source in sources())
    labels = {m._meta.label for m in registered}
    for label in ("auditlog.LogEntry", "knox.AuthToken", "core.Job", "accounts.AccessLog", "care.CarePlan",
                  "care.CaseNote", "access.Person", "otp_totp.TOTPDevice"):
        assert label not in labels
    # what the administrator role manages is there
    assert {"auth.User", "accounts.Organisation", "accounts.Membership", "territory.Comune", "network.Service",
            "network.TaxonomyTerm", "access.Scale", "access.TriageRule", "planning.Plan"} <= labels
    assert check_admin_holds_no_person_data() == []


def test_registering_a_person_level_model_is_a_system_check_error():
    from ambito.care.models import CaseNote

    admin.site.register(CaseNote)
    try:
        assert "ambito.E_ADMIN1" in {e.id for e in check_admin_holds_no_person_data()}
    finally:
        admin.site.unregister(CaseNote)


def test_the_demo_administrator_is_staff_but_not_a_superuser(demo):
    admin_user = demo.users["admin"]
    assert admin_user.is_staff and not admin_user.is_superuser
    assert not get_user_model().objects.filter(is_superuser=True).exists()


def test_the_administrator_manages_accounts_and_reference_data(client, demo):
    client.force_login(demo.users["admin"])
    for name in ("auth_user", "accounts_organisation", "accounts_membership", "network_service",
                 "territory_comune", "access_scale"):
        assert client.get(reverse(f"admin:{name}_changelist")).status_code == 200, name
    sw = demo.users["sw.monza"]
    page = client.get(reverse("admin:auth_user_change", args=[sw.pk]))
    assert page.status_code == 200


def test_staff_without_the_administrator_role_sees_nothing(client, demo):
    planner = demo.users["planner"]
    planner.is_staff = True
    planner.save(update_fields=["is_staff"])
    client.force_login(planner)
    assert client.get(reverse("admin:auth_user_changelist")).status_code == 403
    assert client.get(reverse("admin:accounts_organisation_changelist")).status_code == 403
    assert "auth_user" not in client.get(reverse("admin:index")).content.decode()


def test_the_administrator_cannot_make_a_superuser_nor_touch_one(client, demo, superuser):
    admin_user = demo.users["admin"]
    client.force_login(admin_user)
    sw = demo.users["sw.monza"]
    page = client.get(reverse("admin:auth_user_change", args=[sw.pk]))
    assert 'name="is_superuser"' not in page.content.decode()
    client.post(reverse("admin:auth_user_change", args=[sw.pk]), {
        "username": sw.username, "first_name": sw.first_name, "last_name": sw.last_name, "email": sw.email,
        "is_active": "on", "is_staff": "on", "is_superuser": "on",
        "date_joined_0": "2026-01-01", "date_joined_1": "00:00:00"})
    sw.refresh_from_db()
    assert not sw.is_superuser
    # a superuser's account is read-only to the administrator: no change, no delete, no new password
    assert 'name="_save"' not in client.get(reverse("admin:auth_user_change", args=[superuser.pk])).content.decode()
    assert client.post(reverse("admin:auth_user_change", args=[superuser.pk]), {
        "username": superuser.username, "is_active": "on"}).status_code == 403
    assert client.post(reverse("admin:auth_user_delete", args=[superuser.pk]), {"post": "yes"}).status_code == 403
    assert client.post(reverse("admin:auth_user_password_change", args=[superuser.pk]),
                       {"password1": "x-new-pass-123", "password2": "x-new-pass-123"}).status_code == 403
    assert get_user_model().objects.get(pk=superuser.pk).is_superuser


def test_the_administrator_cannot_grant_themselves_a_role(client, demo):
    admin_user = demo.users["admin"]
    client.force_login(admin_user)
    monza = demo.organisations["comune_monza"]
    response = client.post(reverse("admin:accounts_membership_add"), {
        "user": admin_user.pk, "organisation": monza.pk, "role": Role.SOCIAL_WORKER, "active": "on"})
    assert response.status_code == 200  # the form again, with the error
    assert not Membership.objects.filter(user=admin_user, role=Role.SOCIAL_WORKER).exists()
    other = client.post(reverse("admin:accounts_membership_add"), {
        "user": demo.users["citizen"].pk, "organisation": monza.pk, "role": Role.SOCIAL_WORKER, "active": "on"})
    assert other.status_code == 302
    assert Membership.objects.filter(user=demo.users["citizen"], role=Role.SOCIAL_WORKER).exists()


def test_a_delete_that_would_take_person_data_with_it_is_refused(client, demo_with):
    from ambito.access.models import Person

    world = demo_with("access")
    person = Person.objects.order_by("pk").first()
    ets = world.organisations["coop_ponte"]
    person.shared_with.add(ets)
    client.force_login(world.users["admin"])
    page = client.post(reverse("admin:accounts_organisation_delete", args=[ets.pk]), {"post": "yes"})
    assert page.status_code == 403
    assert person.shared_with.filter(pk=ets.pk).exists()


def test_the_emergency_superuser_command_grants_and_revokes(demo):
    from io import StringIO

    out = StringIO()
    call_command("emergency_superuser", "emergenza", reason="the only administrator left", stdout=out)
    user = get_user_model().objects.get(username="emergenza")
    assert user.is_superuser and user.is_staff and user.has_usable_password()
    assert "shown only now" in out.getvalue()
    call_command("emergency_superuser", "emergenza", revoke=True, stdout=StringIO())
    user.refresh_from_db()
    assert not user.is_superuser and not user.is_staff
