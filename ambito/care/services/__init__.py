"""Writes of the care app (*PAI, Budget di salute, invii, prestazioni, dimissioni protette, diario*), one module per concern.

Each function checks the actor's rights (``care.rules``), runs in one transaction, records the touch of person
data in the access log, and raises a ``ValidationError`` a social worker understands."""

from ambito.care.services.budgets import (  # noqa: F401
    health_budget_create,
    health_budget_expense_add,
    health_budget_line_add,
    health_budget_member_add,
)
from ambito.care.services.corrections import (  # noqa: F401
    care_plan_case_manager_set,
    delivery_cancel,
    delivery_correct,
    health_budget_expense_cancel,
    health_budget_expense_correct,
    intervention_cancel,
    intervention_correct,
)
from ambito.care.services.deliveries import (  # noqa: F401
    CSV_COLUMNS,
    delivery_bulk_create,
    delivery_create,
    delivery_import_csv,
)
from ambito.care.services.discharges import (  # noqa: F401
    discharge_complete,
    discharge_create,
    discharge_loose_ends,
    discharge_service_confirm,
    discharge_service_require,
    discharge_task_add,
    discharge_task_done,
)
from ambito.care.services.notes import (  # noqa: F401
    case_note_add,
)
from ambito.care.services.plans import (  # noqa: F401
    care_plan_create,
    care_plan_review,
    care_plan_sign,
    care_plan_update,
    goal_add,
    intervention_add,
)
from ambito.care.services.referrals import (  # noqa: F401
    LINK_SALT,
    referral_accept,
    referral_cancel,
    referral_complete,
    referral_decline,
    referral_link_answer,
    referral_link_create,
    referral_link_open,
    referral_link_resolve,
    referral_reminders_send,
    referral_send,
    referral_start,
    referrals_overdue,
)
