"""Who may see and act on care records. Each object predicate sits next to the queryset filter (``*_q``) that
selects the same objects; tests/test_rules.py checks that the two agree for every demo persona on every
care object.

- Case team (social workers and ASL district operators of the person's Comune of residence, or of an
  organisation the person was shared with): see and edit plans, budgets, referrals, deliveries, discharges.
- GP: reads the plans and referrals of the persons whose requests they sent (never edits).
- Provider side (operators of the organisation a referral was sent to): only those referrals, with the
  minimum data to deliver, and the deliveries they log on them; notes shared with the provider.
- Planning office, regional observer, administrator, citizen: no person-level care data.

The territorial rule mirrors ``access.rules`` (residence Comune, explicit sharing) but is written here so that
care does not depend on another app's private helpers."""

import rules
from django.db.models import Q

from ambito.accounts.roles import Role
from ambito.accounts.selectors import scope_for

NOTHING = Q(pk__in=[])
TEAM_ROLES = (Role.SOCIAL_WORKER, Role.HEALTH_OPERATOR)
# Members of the organisation a referral was sent to who answer it and log deliveries. Comune and ASL
# services are "providers" too: their social workers and district operators answer for them.
PROVIDER_ROLES = (Role.PROVIDER_OPERATOR, Role.SOCIAL_WORKER, Role.HEALTH_OPERATOR)


def _shared_person_ids(organisation_ids):
    from ambito.access.models import Person

    return Person.shared_with.through.objects.filter(organisation_id__in=organisation_ids).values("person_id")


def _territory(user, roles):
    scope = scope_for(user)
    if not scope.has(*roles):
        return frozenset(), frozenset()
    return scope.comune_ids(*roles), scope.organisation_ids(*roles)


def _person_in(user, person, roles) -> bool:
    comune_ids, organisation_ids = _territory(user, roles)
    if person.residence_comune_id in comune_ids:
        return True
    return bool(organisation_ids) and person.shared_with.filter(id__in=organisation_ids).exists()


def _person_in_q(user, roles, prefix) -> Q:
    comune_ids, organisation_ids = _territory(user, roles)
    q = NOTHING
    if comune_ids:
        q |= Q(**{f"{prefix}residence_comune_id__in": comune_ids})
    if organisation_ids:
        q |= Q(**{f"{prefix}id__in": _shared_person_ids(organisation_ids)})
    return q


def _gp_patient(user, person) -> bool:
    return scope_for(user).has(Role.GP) and person.requests.filter(brought_by=user).exists()


def _gp_patient_q(user, prefix) -> Q:
    from ambito.access.models import AccessRequest

    if not scope_for(user).has(Role.GP):
        return NOTHING
    return Q(**{f"{prefix}id__in": AccessRequest.objects.filter(brought_by=user).values("person_id")})


def provider_organisation_ids(user) -> frozenset:
    scope = scope_for(user)
    return scope.organisation_ids(*PROVIDER_ROLES) if scope.has(*PROVIDER_ROLES) else frozenset()


# --- The case: plans, budgets, discharges -------------------------------------------------------------------


def case_team_q(user, prefix: str = "person__") -> Q:
    """Records whose person is in the case team's territory (edit rights)."""
    return _person_in_q(user, TEAM_ROLES, prefix)


def case_view_q(user, prefix: str = "person__") -> Q:
    """Records whose person the user may read as a case role (team + GP's own patients)."""
    return case_team_q(user, prefix) | _gp_patient_q(user, prefix)


@rules.predicate
def is_case_team(user, person) -> bool:
    return person is not None and _person_in(user, person, TEAM_ROLES)


@rules.predicate
def can_view_case(user, person) -> bool:
    return person is not None and (is_case_team(user, person) or _gp_patient(user, person))


@rules.predicate
def can_start_case(user) -> bool:
    return scope_for(user).has(*TEAM_ROLES)


def care_plan_q(user) -> Q:
    return case_view_q(user)


@rules.predicate
def can_view_care_plan(user, plan) -> bool:
    return plan is not None and can_view_case(user, plan.person)


def care_plan_editable_q(user) -> Q:
    return case_team_q(user)


@rules.predicate
def can_edit_care_plan(user, plan) -> bool:
    return plan is not None and is_case_team(user, plan.person)


health_budget_q = care_plan_q
health_budget_editable_q = care_plan_editable_q
can_view_health_budget = can_view_care_plan
can_edit_health_budget = can_edit_care_plan
discharge_q = care_plan_editable_q
can_view_discharge = can_edit_care_plan
can_edit_discharge = can_edit_care_plan


# --- Referrals and deliveries ------------------------------------------------------------------------------


def referral_provider_q(user, prefix: str = "") -> Q:
    organisation_ids = provider_organisation_ids(user)
    return Q(**{f"{prefix}provider_id__in": organisation_ids}) if organisation_ids else NOTHING


@rules.predicate
def is_referral_provider(user, referral) -> bool:
    """A member of the organisation the referral was sent to."""
    return referral is not None and referral.provider_id in provider_organisation_ids(user)


def referral_q(user) -> Q:
    return case_view_q(user) | referral_provider_q(user)


@rules.predicate
def can_view_referral(user, referral) -> bool:
    return referral is not None and (is_referral_provider(user, referral) or can_view_case(user, referral.person))


@rules.predicate
def can_view_referral_case(user, referral) -> bool:
    """Beyond the minimum data to deliver: only the case roles."""
    return referral is not None and can_view_case(user, referral.person)


@rules.predicate
def can_answer_referral(user, referral) -> bool:
    return is_referral_provider(user, referral)


@rules.predicate
def can_manage_referral(user, referral) -> bool:
    """Send, cancel: the case team."""
    return referral is not None and is_case_team(user, referral.person)


def delivery_q(user) -> Q:
    return case_view_q(user) | referral_provider_q(user)


@rules.predicate
def can_view_delivery(user, delivery) -> bool:
    return delivery is not None and (delivery.provider_id in provider_organisation_ids(user)
                                     or can_view_case(user, delivery.person))


@rules.predicate
def can_log_delivery(user, referral) -> bool:
    """The referred provider logs deliveries; the case team may log them for a small ETS without accounts."""
    return referral is not None and (is_referral_provider(user, referral) or is_case_team(user, referral.person))


# --- Case notes --------------------------------------------------------------------------------------------


def case_note_q(user, prefix: str = "") -> Q:
    social = _person_in_q(user, (Role.SOCIAL_WORKER,), f"{prefix}person__")
    health = case_view_q(user, f"{prefix}person__")
    q = social | (Q(**{f"{prefix}visibility__in": ["health", "provider"]}) & health)
    organisation_ids = provider_organisation_ids(user)
    if organisation_ids:
        q |= Q(**{f"{prefix}visibility": "provider", f"{prefix}referral__provider_id__in": organisation_ids})
    return q


@rules.predicate
def can_view_case_note(user, note) -> bool:
    if note is None:
        return False
    if _person_in(user, note.person, (Role.SOCIAL_WORKER,)):
        return True
    if note.visibility in ("health", "provider") and can_view_case(user, note.person):
        return True
    return (note.visibility == "provider" and note.referral_id is not None
            and note.referral.provider_id in provider_organisation_ids(user))


def case_attachment_q(user) -> Q:
    return case_note_q(user, prefix="note__")


@rules.predicate
def can_view_case_attachment(user, attachment) -> bool:
    return attachment is not None and can_view_case_note(user, attachment.note)


rules.add_perm("care.add_careplan", can_start_case)
rules.add_perm("care.view_careplan", can_view_care_plan)
rules.add_perm("care.change_careplan", can_edit_care_plan)
rules.add_perm("care.view_healthbudget", can_view_health_budget)
rules.add_perm("care.change_healthbudget", can_edit_health_budget)
rules.add_perm("care.view_referral", can_view_referral)
rules.add_perm("care.answer_referral", can_answer_referral)
rules.add_perm("care.change_referral", can_manage_referral)
rules.add_perm("care.view_delivery", can_view_delivery)
rules.add_perm("care.add_delivery", can_log_delivery)
rules.add_perm("care.view_discharge", can_view_discharge)
rules.add_perm("care.change_discharge", can_edit_discharge)
rules.add_perm("care.view_casenote", can_view_case_note)
rules.add_perm("care.view_caseattachment", can_view_case_attachment)
