"""Care records are person-level: none is in the Django admin, for anyone (see
ambito/accounts/admin_policy.py); they are read and written through the audited pages and API. Only their
change log is registered here."""

from auditlog.registry import auditlog

from ambito.care import models

for model in (models.CarePlan, models.Goal, models.PlannedIntervention, models.HealthBudget,
              models.HealthBudgetLine, models.HealthBudgetExpense, models.Referral, models.Discharge,
              models.DischargeService, models.DischargeTask, models.CaseNote):
    auditlog.register(model)
