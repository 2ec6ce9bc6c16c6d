"""The Django admin stays usable for data stewards: every registered model's list and add pages open."""

import pytest
from django.contrib import admin
from django.urls import reverse

MODELS = sorted(admin.site._registry, key=lambda m: m._meta.label)


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m._meta.label)
def test_changelist_and_add_pages_open(client_as, model):
    client = client_as("admin")
    opts = model._meta
    changelist = client.get(reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist"))
    assert changelist.status_code == 200
    model_admin = admin.site._registry[model]
    if model_admin.has_add_permission(changelist.wsgi_request):
        assert client.get(reverse(f"admin:{opts.app_label}_{opts.model_name}_add")).status_code == 200


def test_the_admin_refuses_users_who_are_not_staff(client_as):
    response = client_as("planner").get("/admin/")
    assert response.status_code == 302
