"""Who may do what in monitoring. Dashboards and indicators are open to every member (values are scoped
and small cells suppressed by the engine); surveys, moderation and the report narrative belong to the
planning office; reports and exports to the planning office and the regional observer."""

import rules
from django.db.models import QuerySet

from ambito.accounts import authorization as authz
from ambito.accounts.roles import Role
from ambito.accounts.rules import has_membership, is_planner, is_regional_observer
from ambito.accounts.selectors import scope_for


@rules.predicate
def can_manage_surveys(user):
    return scope_for(user).has(Role.PLANNER, Role.ADMINISTRATOR)


# Paired with ``selectors.survey_list``: the planning office of the survey's Ambito (authorisation matrix).
can_manage_survey = authz.predicate("survey", "manage")


def survey_filter(user, queryset: QuerySet) -> QuerySet:
    return queryset.filter(authz.allowed_q(user, "survey", "manage"))


can_view_dashboard = has_membership
can_run_reports = is_planner | is_regional_observer
