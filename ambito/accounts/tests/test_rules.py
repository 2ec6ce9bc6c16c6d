"""The scope of each persona: which Comuni its memberships reach, computed once per request."""

from django.contrib.auth import get_user_model

from ambito.accounts.selectors import comune_list, scope_for


def test_a_comune_social_worker_reaches_only_its_comune(demo):
    scope = scope_for(demo.users["sw.brugherio"])
    assert scope.comune_ids() == {demo.comuni["brugherio"].id}


def test_the_planning_office_and_the_region_reach_the_whole_ambito(demo):
    everything = {c.id for c in demo.comuni.values()}
    assert scope_for(demo.users["planner"]).comune_ids() == everything
    assert scope_for(demo.users["observer"]).comune_ids() == everything


def test_a_user_without_membership_has_an_empty_scope(db):
    user = get_user_model().objects.create_user("nobody")
    assert not scope_for(user).by_role
    assert list(comune_list(actor=user)) == []


def test_the_scope_is_computed_once_per_request(demo, django_assert_num_queries):
    user = demo.users["planner"]
    with django_assert_num_queries(3):
        scope_for(user)
        scope_for(user)
