"""Every write the pages of care can do has its twin in the REST API (finding 7 of issue 16).

The test walks ``care/urls.py``: every view that takes a POST (and, for a page with several forms, every
``form``/``action`` value it dispatches on) must be declared in ``TWINS`` with the operation that does the same
through the API; the operation must be in the OpenAPI schema, and its request schema must take every field of
the page's form (by the same name, or by the name ``renamed`` gives). A new form on a page without its twin, or
a twin that lost a field, fails here. The person's edit form of the PUA, and the scale's page, are checked the
same way."""

import inspect
import re

import pytest
from django.urls import URLPattern
from drf_spectacular.generators import SchemaGenerator

from ambito.access import forms as access_page_forms
from ambito.access import forms_record as access_forms
from ambito.care import forms
from ambito.care.urls import urlpatterns

WEEK_ROWS = {name: "rows" for name in ("week_start", "delivery_type", "operator_name", "operator_ref")}

# (url name, action or None) -> (operationId, form class or a tuple of field names, {form field: API field})
TWINS = {
    ("care-plan-create", None): ("v1_care_plans_create", forms.CarePlanForm, {}),
    ("care-plan-edit", None): ("v1_care_plans_partial_update", forms.CarePlanEditForm, {}),
    ("care-goal-add", None): ("v1_care_plans_goals_create", forms.GoalForm, {}),
    ("care-intervention-add", None): ("v1_care_plans_interventions_create", forms.InterventionForm, {}),
    ("care-intervention-correct", None): ("v1_care_plans_interventions_partial_update",
                                          forms.InterventionCorrectForm, {}),
    ("care-intervention-cancel", None): ("v1_care_plans_interventions_cancel_create", forms.CancelForm, {}),
    ("care-plan-case-manager", None): ("v1_care_plans_case_manager_create", forms.CaseManagerForm, {}),
    ("care-plan-sign", None): ("v1_care_plans_sign_create", forms.SignForm, {}),
    # the page has one outcome_<goal> and value_<goal> field per open goal: the API takes them as ``outcomes``
    ("care-plan-review", None): ("v1_care_plans_review_create", forms.ReviewForm, {}),
    ("care-referral-send", None): ("v1_care_plans_interventions_referral_create", forms.ReferralSendForm, {}),
    ("care-note-add", None): ("v1_care_plans_notes_create", forms.NoteForm, {}),
    ("care-budget-create", None): ("v1_health_budgets_create", forms.HealthBudgetForm, {}),
    ("care-budget-detail", "line"): ("v1_health_budgets_lines_create", forms.BudgetLineForm, {}),
    ("care-budget-detail", "expense"): ("v1_health_budgets_expenses_create", forms.BudgetExpenseForm, {}),
    ("care-budget-detail", "member"): ("v1_health_budgets_members_create", forms.BudgetMemberForm, {}),
    ("care-expense-correct", None): ("v1_health_budgets_expenses_partial_update", forms.BudgetExpenseCorrectForm,
                                     {}),
    ("care-expense-cancel", None): ("v1_health_budgets_expenses_cancel_create", forms.CancelForm, {}),
    ("care-discharge-list", None): ("v1_discharges_create", forms.DischargeForm, {}),
    ("care-discharge-detail", "service"): ("v1_discharges_services_create", forms.DischargeServiceForm, {}),
    ("care-discharge-detail", "task"): ("v1_discharges_tasks_create", forms.DischargeTaskForm, {}),
    ("care-discharge-detail", "confirm"): ("v1_discharges_services_confirm_create", (), {}),
    ("care-discharge-detail", "done"): ("v1_discharges_tasks_done_create", (), {}),
    ("care-discharge-detail", "complete"): ("v1_discharges_complete_create", (), {}),
    ("care-referral-accept", None): ("v1_referrals_accept_create", (), {}),
    ("care-referral-decline", None): ("v1_referrals_decline_create", forms.DeclineForm, {}),
    ("care-referral-move", "start"): ("v1_referrals_start_create", (), {}),
    ("care-referral-move", "complete"): ("v1_referrals_complete_create", ("outcome_note",), {}),
    ("care-referral-move", "cancel"): ("v1_referrals_cancel_create", ("reason",), {}),
    # the public answer link is for providers without an account; with one, the API answers the same way
    ("care-referral-link", None): ("v1_referrals_decline_create", forms.DeclineForm, {}),
    ("care-delivery-add", None): ("v1_deliveries_create", forms.DeliveryForm, {}),
    ("care-delivery-correct", None): ("v1_deliveries_partial_update", forms.DeliveryCorrectForm, {}),
    ("care-delivery-cancel", None): ("v1_deliveries_cancel_create", forms.CancelForm, {}),
    # a week of one operator, and a CSV file, become the rows of one bulk call (all or nothing, like the page)
    ("care-delivery-week", None): ("v1_deliveries_bulk_create", forms.WeekForm, WEEK_ROWS),
    ("care-delivery-import", None): ("v1_deliveries_bulk_create", forms.CsvImportForm, {"file": "rows"}),
}
ACCESS_TWINS = {
    ("access-person-edit", None): ("v1_persons_partial_update", access_forms.PersonEditForm, {}),
    ("access-person-contact-add", None): ("v1_persons_contacts_create", access_forms.ContactForm, {}),
    ("access-person-contact-end", None): ("v1_persons_contacts_end_create", access_forms.ContactEndForm, {}),
    ("access-person-transfer", None): ("v1_persons_transfer_create", access_forms.TransferForm, {}),
    # the page has one label_<item> and item_<item> field per item ("value | points | label" a line): the
    # API takes them as ``items`` (code, label, options), and the bands as a list, not "min–max: label" lines
    ("access-scale-edit", None): ("v1_scales_update", access_page_forms.ScaleForm, {}),
}
# Fields of a page's form that only steer the page (which sub-form was sent), never data.
PAGE_ONLY = {"form", "item", "task"}


def _view_source(pattern: URLPattern) -> str:
    return inspect.getsource(inspect.unwrap(pattern.callback))


def takes_post(source: str) -> bool:
    return "require_POST" in source or "request.POST" in source or "request.FILES" in source


def actions(source: str) -> set:
    """The sub-forms a page dispatches on: ``action == "x"`` and ``"x_form": forms.…``."""
    found = set(re.findall(r'action == "(\w+)"', source)) | set(re.findall(r'"(\w+)_form": forms\.', source))
    return found


def ui_writes() -> set:
    keys = set()
    for pattern in urlpatterns:
        source = _view_source(pattern)
        if not takes_post(source):
            continue
        found = actions(source)
        keys |= {(pattern.name, action) for action in found} if found else {(pattern.name, None)}
    return keys


@pytest.fixture(scope="module")
def schema():
    return SchemaGenerator().get_schema(request=None, public=True)


def _operations(schema) -> dict:
    return {op["operationId"]: op for methods in schema["paths"].values() for op in methods.values()
            if isinstance(op, dict) and "operationId" in op}


def _request_fields(schema, operation) -> set:
    content = operation.get("requestBody", {}).get("content", {})
    fields = set()
    for body in content.values():
        ref = body["schema"].get("$ref", "")
        component = schema["components"]["schemas"].get(ref.split("/")[-1], body["schema"])
        fields |= set(component.get("properties", {}))
    return fields


def test_the_walk_finds_the_forms_of_the_pages():
    """The walker itself: it must see the writes we know of, or it would pass on nothing."""
    found = ui_writes()
    assert ("care-goal-add", None) in found and ("care-budget-detail", "member") in found
    assert ("care-discharge-detail", "complete") in found and ("care-referral-move", "cancel") in found
    assert ("care-plan-detail", None) not in found and ("care-plan-list", None) not in found


def test_every_care_write_of_the_pages_has_its_api_twin():
    missing = ui_writes() - set(TWINS)
    assert not missing, f"UI writes without an API twin declared in TWINS: {sorted(missing, key=str)}"
    stale = set(TWINS) - ui_writes()
    assert not stale, f"TWINS names writes the pages no longer have: {sorted(stale, key=str)}"


@pytest.mark.parametrize("key", sorted({**TWINS, **ACCESS_TWINS}, key=str))
def test_the_twin_is_in_the_schema_and_takes_the_form_fields(schema, key):
    operation_id, form, renamed = {**TWINS, **ACCESS_TWINS}[key]
    operations = _operations(schema)
    assert operation_id in operations, f"{key}: no operation {operation_id} in the OpenAPI schema"
    names = form if isinstance(form, tuple) else tuple(form.base_fields)
    taken = _request_fields(schema, operations[operation_id])
    lacking = {name for name in names if name not in PAGE_ONLY and renamed.get(name, name) not in taken}
    assert not lacking, f"{key}: {operation_id} does not take the form's fields {sorted(lacking)}"


def test_the_review_twin_takes_an_outcome_and_a_value_per_goal(schema):
    component = schema["components"]["schemas"]["GoalOutcomeInputRequest"]
    assert {"goal", "outcome", "value"} <= set(component["properties"])


def test_the_scale_twin_takes_each_item_with_its_answers(schema):
    components = schema["components"]["schemas"]
    assert {"code", "label", "options"} <= set(components["ScaleItemInputRequest"]["properties"])
    assert {"value", "points", "label"} <= set(components["ScaleOptionInputRequest"]["properties"])
    assert {"min", "max", "label"} <= set(components["ScaleBandInputRequest"]["properties"])
    assert "v1_scales_partial_update" in _operations(schema)


def test_the_care_plan_creation_asks_for_its_input_not_its_output(schema):
    operation = _operations(schema)["v1_care_plans_create"]
    taken = _request_fields(schema, operation)
    assert {"person", "title", "area", "start_date", "end_date"} <= taken
    assert not {"id", "pseudonym", "revision", "status", "version"} & taken
