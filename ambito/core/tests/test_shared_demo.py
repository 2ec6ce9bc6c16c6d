"""One load of the demo shared by a module's tests: each test still starts from the demo as loaded, whatever
the test before it wrote to the database or changed in its copy of the context (in either order)."""

import pytest

from ambito.network.models import Service

pytestmark = [pytest.mark.django_db, pytest.mark.shared_demo("network")]


def _starts_from_the_demo_as_loaded_then_changes_it(ctx, suffix):
    service = ctx.services["sad_monza"]
    assert Service.objects.count() == len({s.pk for s in ctx.services.values()}) > 1
    assert Service.objects.get(pk=service.pk).name == service.name and not service.name.endswith("*")
    assert ctx.users["planner"].first_name != "changed"
    service.name += f" {suffix}*"
    service.save()
    Service.objects.exclude(pk=service.pk).delete()
    ctx.users["planner"].first_name = "changed"
    ctx.log.append(suffix)


def test_a_test_changing_the_shared_demo(shared_demo):
    _starts_from_the_demo_as_loaded_then_changes_it(shared_demo, "a")


def test_does_not_change_it_for_the_next(shared_demo):
    _starts_from_the_demo_as_loaded_then_changes_it(shared_demo, "b")


def test_each_test_has_its_own_copy_of_the_context(shared_demo):
    assert shared_demo.log == []
    assert shared_demo.users["planner"].first_name != "changed"
