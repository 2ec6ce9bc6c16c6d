"""Who may read and change a Piano di Zona. Each predicate is paired with the selector that filters
querysets the same way (``selectors.plan_list``, ``plan_editable_list``, ``consultation_list``,
``plan_contributable_list``); tests/test_rules.py checks that they agree for every demo persona.

- the planning office of the plan's Ambito edits it;
- every member of an organisation of the Ambito (Comuni, ASL, ETS) and the regional observer read it;
- ETS operators of the Ambito submit contributions while the plan is in co-programming;
- everyone, signed in or not, reads a plan while it is in public consultation; signed-in people comment.
"""

import rules

from ambito.accounts.roles import Role
from ambito.accounts.selectors import scope_for
from ambito.planning.models import PlanState


@rules.predicate
def can_view_plan(user, plan):
    return plan is not None and plan.ambito_id in scope_for(user).ambito_ids()


@rules.predicate
def can_edit_plan(user, plan):
    return plan is not None and plan.ambito_id in scope_for(user).ambito_ids(Role.PLANNER)


@rules.predicate
def can_view_consultation(user, plan):
    return plan is not None and plan.state == PlanState.CONSULTATION


@rules.predicate
def can_comment(user, plan):
    return bool(user and user.is_authenticated) and can_view_consultation(user, plan)


@rules.predicate
def can_contribute(user, plan):
    return (plan is not None and plan.state == PlanState.COPROGRAMMING
            and plan.ambito_id in scope_for(user).ambito_ids(Role.PROVIDER_OPERATOR))


rules.add_perm("planning.view_plan", can_view_plan)
rules.add_perm("planning.change_plan", can_edit_plan)
rules.add_perm("planning.view_consultation", can_view_consultation)
rules.add_perm("planning.comment_plan", can_comment)
rules.add_perm("planning.contribute_plan", can_contribute)
