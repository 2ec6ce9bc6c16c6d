"""Anonymous surveys cannot be stuffed: one client (address) may answer a survey a few times a day, a quick
second answer or a flood of answers is held back from every count until the planning office counts it, and the
client's address is never stored (only a keyed hash, for a day). The office's moderation list is paginated."""

import datetime
from decimal import Decimal

import pytest

from ambito.monitoring import services
from ambito.monitoring.indicators import Period, compute
from ambito.monitoring.models import (
    Moderation,
    QuestionKind,
    Survey,
    SurveyAnswer,
    SurveyQuestion,
    SurveyResponse,
    SurveySubmission,
)
from ambito.monitoring.selectors import survey_list, survey_results
from ambito.monitoring.tests import factories
from ambito.monitoring.tests.factories import at

ADDRESS = "203.0.113.7"


@pytest.fixture
def survey(demo_with):
    ctx = demo_with("network")
    s = Survey.objects.create(service=ctx.services["sad_monza"], title="Gradimento SAD")
    SurveyQuestion.objects.create(survey=s, order=1, text="Cortesia", kind=QuestionKind.SCALE, required=True)
    SurveyQuestion.objects.create(survey=s, order=2, text="Suggerimenti", kind=QuestionKind.TEXT)
    return s


def _answer(client, survey, score="5", address=ADDRESS, text=""):
    scale, free = survey.questions.all()
    return client.post(f"/valutazione/{survey.public_id}/", {f"q{scale.pk}": score, f"q{free.pk}": text},
                       REMOTE_ADDR=address)


def test_one_client_is_limited_and_its_quick_repeats_are_not_counted(survey, client, demo):
    first = _answer(client, survey)
    assert "Grazie" in first.content.decode()
    for _ in range(2):  # a second and third answer within minutes: stored, held back
        assert "Grazie" in _answer(client, survey, score="1").content.decode()
    refused = _answer(client, survey, score="1")
    assert refused.status_code == 200
    assert "ha già ricevuto le risposte che accetta da questo dispositivo" in refused.content.decode()
    assert list(SurveyResponse.objects.order_by("id").values_list("flagged", flat=True)) == [False, True, True]
    results = survey_results(survey=survey, include_unmoderated=True)
    assert results["responses"] == 1 and results["flagged"] == 2
    assert results["questions"][0]["mean"] == 5 and results["questions"][0]["n"] == 1
    assert survey_list(actor=demo.users["planner"]).get(pk=survey.pk).response_count == 1
    other = _answer(client, survey, score="3", address="198.51.100.20")  # someone else
    assert "Grazie" in other.content.decode()
    assert survey_results(survey=survey, include_unmoderated=True)["responses"] == 2


def test_the_address_is_never_stored_and_the_window_ends(survey, client):
    _answer(client, survey)
    row = SurveySubmission.objects.get()
    assert ADDRESS not in row.client_key and len(row.client_key) == 64
    assert row.client_key == services.survey_client_key(survey=survey, client_ip=ADDRESS)
    other = Survey.objects.create(service=survey.service, title="Altro")
    assert services.survey_client_key(survey=other, client_ip=ADDRESS) != row.client_key
    for _ in range(2):
        _answer(client, survey)
    SurveySubmission.objects.update(at=row.at - services.SURVEY_CLIENT_WINDOW - datetime.timedelta(minutes=1))
    SurveyResponse.objects.update(submitted_at=row.at - services.SURVEY_CLIENT_WINDOW)
    assert "Grazie" in _answer(client, survey).content.decode()  # a day later: welcome again, and counted
    assert SurveySubmission.objects.count() == 1  # the old ones are gone
    assert SurveyResponse.objects.order_by("-id").first().flagged is False


def test_a_flood_from_many_addresses_is_held_back(survey, client, monkeypatch):
    monkeypatch.setattr(services, "SURVEY_BURST", 3)
    for n in range(5):
        _answer(client, survey, address=f"192.0.2.{n + 1}")
    assert list(SurveyResponse.objects.order_by("id").values_list("flagged", flat=True)) == [
        False, False, False, True, True]


def test_paper_questionnaires_are_not_limited(survey, demo):
    scale = survey.questions.get(kind=QuestionKind.SCALE)
    for _ in range(5):
        services.survey_response_submit(survey=survey, answers={scale.pk: 4}, actor=demo.users["planner"],
                                        channel="paper")
    assert SurveyResponse.objects.filter(flagged=False).count() == 5 and not SurveySubmission.objects.exists()


def test_the_office_sees_the_held_back_answers_and_may_count_them(survey, client, client_as):
    _answer(client, survey, text="Primo")
    _answer(client, survey, text="Secondo, subito dopo")
    office = client_as("planner")
    page = office.get(f"/monitoraggio/questionari/{survey.pk}/").content.decode()
    assert 'id="flagged-answers"' in page and "1 risposta online è trattenuta" in page
    pending = office.get("/monitoraggio/questionari/").content.decode()
    assert "Primo" in pending and "Secondo, subito dopo" not in pending  # held back: not even to moderate
    url = f"/monitoraggio/questionari/{survey.pk}/conta-trattenute/"
    assert client_as("sw.monza").post(url).status_code == 403
    assert SurveyResponse.objects.filter(flagged=True).count() == 1
    done = client_as("planner").post(url, follow=True).content.decode()
    assert "1 risposta trattenuta ora è conteggiata." in done
    assert survey_results(survey=survey, include_unmoderated=True)["responses"] == 2


def test_held_back_responses_count_in_no_indicator(world):
    svc = factories.service(world, "s1")
    s = Survey.objects.create(service=svc, title="Gradimento")
    question = SurveyQuestion.objects.create(survey=s, order=1, text="Cortesia", kind=QuestionKind.SCALE)
    for day, score in enumerate([5, 4, 3, 4, 5, 1, 1], start=1):
        services.survey_response_submit(survey=s, answers={question.pk: score}, submitted_at=at(2025, 4, day))
    SurveyResponse.objects.filter(answers__score=1).update(flagged=True)
    planner = world.users["t.planner"]
    year = Period.year(2025)
    assert [c.value for c in compute("survey_responses", actor=planner, period=year).cells] == [Decimal("5")]
    assert [c.value for c in compute("satisfaction_mean", actor=planner, period=year).cells] == [Decimal("4.20")]


def test_every_comment_to_moderate_is_reachable_page_by_page(survey, client_as):
    scale, free = survey.questions.all()
    responses = SurveyResponse.objects.bulk_create(
        SurveyResponse(survey=survey, submitted_at=at(2026, 1, 1) + datetime.timedelta(minutes=i)) for i in range(201))
    SurveyAnswer.objects.bulk_create(
        SurveyAnswer(response=r, question=free, text=f"Commento {i:03d}", moderation=Moderation.PENDING)
        for i, r in enumerate(responses))
    from ambito.core.tests.paging import walk_pages

    pages, links = walk_pages(client_as("planner"), "/monitoraggio/questionari/")
    assert len(pages) == 5 and links == [f"?page={n}" for n in range(2, 6)]
    assert "Commento 200" in pages[-1] and "Commento 200" not in "".join(pages[:-1])
    assert 'name="next" value="/monitoraggio/questionari/?page=5"' in pages[-1]  # moderating keeps the page
