"""Who may see and act on care records, derived from the authorisation matrix
(``ambito.accounts.authorization.MATRIX``): each named predicate asks the queryset filter (``*_q``) of the
same cells about one object; tests/test_rules.py checks that the two agree for every demo persona on every
care object.

- Case team (social workers and ASL district operators of the person's Comune of residence, or of an
  organisation the person was shared with): see and edit plans, budgets, referrals, deliveries, discharges.
- GP: reads the plans and referrals of the persons whose requests they sent (never edits).
- Provider side (operators of the organisation a referral was sent to): only those referrals, with the
  minimum data to deliver, and the deliveries they log on them; notes shared with the provider.
- Planning office, regional observer, administrator, DPO, citizen: no person-level care data."""

import rules

from ambito.accounts import authorization as authz
from ambito.accounts.selectors import scope_for

NOTHING = authz.NOTHING
TEAM_ROLES = authz.CASE_TEAM
# Members of the organisation a referral was sent to who answer it and log deliveries. Comune and ASL
# services are "providers" too: their social workers and district operators answer for them.
PROVIDER_ROLES = tuple(authz.roles_granting("referral", "answer")[authz.REFERRED])


def provider_organisation_ids(user) -> frozenset:
    scope = scope_for(user)
    return scope.organisation_ids(*PROVIDER_ROLES) if scope.has(*PROVIDER_ROLES) else frozenset()


# --- The case: the person seen from care --------------------------------------------------------------------

case_team_q = authz.q_function("person", "change", default_prefix="person__")
case_view_q = authz.q_function("person", "view", default_prefix="person__")
is_case_team = authz.predicate("person", "change")
can_view_case = authz.predicate("person", "view")


@rules.predicate
def can_start_case(user) -> bool:
    return authz.may_act(user, "care_plan", "add")


care_plan_q = authz.q_function("care_plan", "view")
can_view_care_plan = authz.predicate("care_plan", "view")
care_plan_editable_q = authz.q_function("care_plan", "change")
can_edit_care_plan = authz.predicate("care_plan", "change")
health_budget_q = authz.q_function("health_budget", "view")
can_view_health_budget = authz.predicate("health_budget", "view")
health_budget_editable_q = authz.q_function("health_budget", "change")
can_edit_health_budget = authz.predicate("health_budget", "change")
discharge_q = authz.q_function("discharge", "view")
can_view_discharge = authz.predicate("discharge", "view")
can_edit_discharge = authz.predicate("discharge", "change")

# --- Referrals and deliveries ------------------------------------------------------------------------------

referral_q = authz.q_function("referral", "view")
can_view_referral = authz.predicate("referral", "view")
referral_provider_q = authz.q_function("referral", "answer")
can_answer_referral = authz.predicate("referral", "answer")
is_referral_provider = can_answer_referral
# Beyond the minimum data to deliver: only the case roles.
can_view_referral_case = authz.predicate("referral", "view_case")
# Send, cancel: the case team.
can_manage_referral = authz.predicate("referral", "manage")
# The referred provider logs deliveries; the case team may log them for a small ETS without accounts.
can_log_delivery = authz.predicate("referral", "log_delivery")
delivery_q = authz.q_function("delivery", "view")
can_view_delivery = authz.predicate("delivery", "view")

# --- Case notes --------------------------------------------------------------------------------------------

case_note_q = authz.q_function("case_note", "view")
can_view_case_note = authz.predicate("case_note", "view")


def case_attachment_q(user):
    return case_note_q(user, prefix="note__")


@rules.predicate
def can_view_case_attachment(user, attachment) -> bool:
    return attachment is not None and can_view_case_note(user, attachment.note)
