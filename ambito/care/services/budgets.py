"""Budget di salute: co-design team, lines, expenses."""

import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from ambito.access.models import Person
from ambito.accounts.models import AccessAction
from ambito.accounts.services import access_deny as deny
from ambito.accounts.services import atomic_service
from ambito.care import rules
from ambito.care.models import (
    CarePlan,
    HealthBudget,
    HealthBudgetExpense,
    HealthBudgetLine,
    HealthBudgetMember,
)
from ambito.care.services.common import _log

# --- Budget di salute ----------------------------------------------------------------------------------------


@atomic_service
def health_budget_create(*, actor, person: Person, title: str, start_date: datetime.date, end_date: datetime.date,
                         area: str = "salute_mentale", care_plan: CarePlan | None = None) -> HealthBudget:
    """Open a *Budget di salute* project for a person (mental health or disability)."""
    if not rules.is_case_team(actor, person):
        deny(actor=actor, record=person, purpose="open a Budget di salute outside the actor's territory")
    if end_date < start_date:
        raise ValidationError({"end_date": _("The project cannot end before it starts.")})
    if care_plan is not None and care_plan.person_id != person.pk:
        raise ValidationError(_("The care plan is about another person."))
    budget = HealthBudget.objects.create(
        ambito_id=person.ambito_id, comune_id=person.residence_comune_id, person=person, care_plan=care_plan,
        title=title.strip(), area=area, start_date=start_date, end_date=end_date, created_by=actor)
    _log(actor, budget, AccessAction.CREATE, "Budget di salute opened")
    return budget


def _editable_budget(actor, budget, purpose):
    if not rules.can_edit_health_budget(actor, budget):
        deny(actor=actor, record=budget, purpose=purpose)


@atomic_service
def health_budget_member_add(*, actor, budget: HealthBudget, role: str, name: str,
                             organisation=None) -> HealthBudgetMember:
    """Add a member of the co-design team (ASL service, social worker, ETS, the person, the family)."""
    _editable_budget(actor, budget, "change a Budget di salute team outside the actor's territory")
    member = HealthBudgetMember.objects.create(budget=budget, role=role, name=name.strip(), organisation=organisation)
    _log(actor, budget, AccessAction.UPDATE, "co-design team member added")
    return member


@atomic_service
def health_budget_line_add(*, actor, budget: HealthBudget, axis: str, funder: str, description: str,
                           planned_amount: Decimal, organisation=None) -> HealthBudgetLine:
    """Plan an amount on one axis from one funder."""
    _editable_budget(actor, budget, "plan a Budget di salute outside the actor's territory")
    planned_amount = Decimal(planned_amount)
    if planned_amount < 0:
        raise ValidationError({"planned_amount": _("A planned amount cannot be negative.")})
    line = HealthBudgetLine.objects.create(budget=budget, axis=axis, funder=funder, description=description,
                                           planned_amount=planned_amount.quantize(Decimal("0.01")),
                                           organisation=organisation)
    _log(actor, budget, AccessAction.UPDATE, "budget line added")
    return line


@atomic_service
def health_budget_expense_add(*, actor, line: HealthBudgetLine, spent_on: datetime.date, amount: Decimal,
                              description: str = "") -> HealthBudgetExpense:
    """Record money spent on a line, within the project's dates."""
    budget = line.budget
    _editable_budget(actor, budget, "record spending outside the actor's territory")
    amount = Decimal(amount)
    if amount <= 0:
        raise ValidationError({"amount": _("An expense must be more than zero.")})
    if not budget.start_date <= spent_on <= budget.end_date:
        raise ValidationError({"spent_on": _("The expense falls outside the project's dates.")})
    expense = HealthBudgetExpense.objects.create(line=line, spent_on=spent_on,
                                                 amount=amount.quantize(Decimal("0.01")),
                                                 description=description, recorded_by=actor)
    _log(actor, budget, AccessAction.UPDATE, "budget expense recorded")
    return expense
