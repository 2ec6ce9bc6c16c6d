"""Permission rules (django-rules). Each object predicate is paired with the selector that filters
querysets the same way; tests/test_rules.py checks that the two agree."""

import rules

from ambito.accounts.roles import Role
from ambito.accounts.selectors import dpo_ambito_ids, scope_for


def _role_predicate(*roles):
    @rules.predicate(name="has_role_" + "_or_".join(str(r) for r in roles))
    def predicate(user):
        return scope_for(user).has(*roles)

    return predicate


is_planner = _role_predicate(Role.PLANNER)
is_social_worker = _role_predicate(Role.SOCIAL_WORKER)
is_health_operator = _role_predicate(Role.HEALTH_OPERATOR)
is_gp = _role_predicate(Role.GP)
is_provider_operator = _role_predicate(Role.PROVIDER_OPERATOR)
is_regional_observer = _role_predicate(Role.REGIONAL_OBSERVER)
is_administrator = _role_predicate(Role.ADMINISTRATOR)
is_dpo = _role_predicate(Role.DATA_PROTECTION_OFFICER)
is_case_worker = _role_predicate(Role.SOCIAL_WORKER, Role.HEALTH_OPERATOR, Role.GP)
has_membership = rules.predicate(lambda user: bool(scope_for(user).by_role), name="has_membership")


@rules.predicate
def can_view_comune(user, comune):
    """Paired with ``selectors.comune_list``."""
    return comune is not None and comune.id in scope_for(user).comune_ids()


@rules.predicate
def is_member_of(user, organisation):
    return organisation is not None and organisation.id in scope_for(user).organisation_ids()


rules.add_perm("territory.view_comune", can_view_comune)
rules.add_perm("territory.view_indicators", has_membership)


@rules.predicate
def is_dpo_of_an_ambito(user) -> bool:
    """A DPO of an organisation that belongs to an Ambito (the access log pages are per Ambito)."""
    return bool(dpo_ambito_ids(user))


@rules.predicate
def can_view_person_access_log(user, person) -> bool:
    """Who may read who accessed a person's record (paired with ``selectors.person_access_log_q``): a DPO of
    an organisation of the person's Ambito, a case-team member who may edit the person, the case manager of
    the person's current care plan. Administrators are not among them: they are the ones audited."""
    from ambito.access import rules as access_rules
    from ambito.accounts.selectors import managed_person_ids_q

    if person is None or not getattr(person, "pk", None) or not scope_for(user).by_role:
        return False
    if person.ambito_id in dpo_ambito_ids(user):
        return True
    if access_rules.can_edit_person(user, person):
        return True
    return type(person).objects.filter(managed_person_ids_q(user), pk=person.pk).exists()


@rules.predicate
def can_view_access_log_entry(user, entry) -> bool:
    """Paired with ``selectors.access_log_entry_q``: the entry was made for an organisation of one of the
    DPO's Ambiti, or is about a person of those Ambiti."""
    from django.apps import apps

    ambiti = dpo_ambito_ids(user)
    if entry is None or not ambiti:
        return False
    if entry.organisation_id and entry.organisation.ambito_id in ambiti:
        return True
    persons = apps.get_model("access", "Person").objects.filter(ambito_id__in=ambiti)
    if entry.person_id is not None:
        return persons.filter(pk=entry.person_id).exists()
    return bool(entry.person_ref) and persons.filter(pseudonym=entry.person_ref).exists()


# The DPO reads the log; administrators, who are audited by it, do not (separation of duties). Views test the
# rules themselves (``rules.test_rule``), not ``user.has_perm``, which a superuser would pass.
rules.add_rule("accounts.view_access_log", is_dpo_of_an_ambito)
rules.add_rule("accounts.view_person_access_log", can_view_person_access_log)
rules.add_perm("accounts.view_access_log", is_dpo_of_an_ambito)
rules.add_perm("accounts.view_accesslog", can_view_access_log_entry)
rules.add_perm("accounts.view_person_access_log", can_view_person_access_log)
