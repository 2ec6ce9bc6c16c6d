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
    with django_assert_num_queries(2):  # the memberships, then the Comuni of the Ambito
        scope_for(user)
        scope_for(user)


def test_a_comune_social_worker_scope_costs_one_query(demo, django_assert_num_queries):
    with django_assert_num_queries(1):  # the memberships: the Comune is on the organisation
        scope = scope_for(demo.users["sw.monza"])
    assert scope.comune_ids() == {demo.comuni["monza"].id}


def test_a_health_district_reaches_the_comuni_it_serves(demo, django_assert_num_queries):
    with django_assert_num_queries(2):  # the memberships, then the Comuni the district serves
        scope = scope_for(demo.users["asl.operator"])
    assert scope.comune_ids() == {c.id for c in demo.comuni.values()}
