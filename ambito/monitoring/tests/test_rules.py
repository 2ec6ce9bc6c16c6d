"""Monitoring predicates agree with their queryset filters for every demo persona."""

import pytest

from ambito.monitoring.models import Survey
from ambito.monitoring.rules import can_manage_survey, can_manage_surveys, can_run_reports, survey_filter

PERSONAS = ["planner", "sw.monza", "sw.brugherio", "asl.operator", "gp", "ets.operator", "observer", "admin", "citizen"]


@pytest.fixture
def surveys(demo_with):
    ctx = demo_with("network")
    from ambito.network.models import Service
    from ambito.territory.models import Ambito

    other = Ambito.objects.create(name="Altro Ambito", code="altro", region_code="03", region_name="Lombardia")
    elsewhere = Service.objects.create(ambito=other, provider=ctx.organisations["coop_ponte"], name="Altrove",
                                       service_type="sad", area="anziani")
    Survey.objects.create(service=ctx.services["sad_monza"], title="Qui")
    Survey.objects.create(service=elsewhere, title="Altrove")
    return ctx


@pytest.mark.parametrize("username", PERSONAS)
def test_can_manage_survey_agrees_with_survey_filter(surveys, username):
    user = surveys.users[username]
    visible = set(survey_filter(user, Survey.objects.all()))
    for survey in Survey.objects.all():
        assert can_manage_survey(user, survey) == (survey in visible), (username, survey)


def test_who_manages_surveys_and_runs_reports(surveys):
    users = surveys.users
    assert {u for u in PERSONAS if can_manage_surveys(users[u])} == {"planner", "admin"}
    assert {u for u in PERSONAS if can_run_reports(users[u])} == {"planner", "observer"}
