import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from ambito.monitoring import services
from ambito.monitoring.models import (
    Moderation,
    QuestionKind,
    ResponseChannel,
    Survey,
    SurveyAnswer,
    SurveyQuestion,
)
from ambito.monitoring.selectors import survey_results


@pytest.fixture
def survey(demo_with):
    ctx = demo_with("network")
    s = Survey.objects.create(service=ctx.services["sad_monza"], title="Gradimento SAD")
    SurveyQuestion.objects.create(survey=s, order=1, text="Cortesia", kind=QuestionKind.SCALE, required=True)
    SurveyQuestion.objects.create(survey=s, order=2, text="Suggerimenti", kind=QuestionKind.TEXT)
    return s


def _fields(survey, score="4", text=""):
    scale, free = survey.questions.all()
    return {f"q{scale.pk}": score, f"q{free.pk}": text}


def test_a_citizen_answers_anonymously_on_the_public_page(survey, client):
    listing = client.get("/valutazione/").content.decode()
    assert "Gradimento SAD" in listing
    page = client.post(f"/valutazione/{survey.public_id}/", _fields(survey, "5", "Mi chiamo Mario Rossi"))
    assert "Grazie" in page.content.decode()
    response = survey.responses.get()
    assert response.channel == ResponseChannel.ONLINE and response.entered_by is None
    text = SurveyAnswer.objects.get(question__kind=QuestionKind.TEXT)
    assert text.moderation == Moderation.PENDING


def test_a_required_question_must_be_answered(survey, client):
    page = client.post(f"/valutazione/{survey.public_id}/", _fields(survey, ""))
    assert page.status_code == 200
    assert not survey.responses.exists()


def test_a_score_outside_1_to_5_is_refused(survey):
    scale = survey.questions.get(kind=QuestionKind.SCALE)
    with pytest.raises(ValidationError):
        services.survey_response_submit(survey=survey, answers={scale.pk: 7})


def test_a_closed_survey_takes_no_online_answers(survey, client):
    survey.active = False
    survey.save()
    assert client.get(f"/valutazione/{survey.public_id}/").status_code == 404


def test_free_text_is_seen_only_by_the_office_until_published(survey, demo):
    free = survey.questions.get(kind=QuestionKind.TEXT)
    scale = survey.questions.get(kind=QuestionKind.SCALE)
    services.survey_response_submit(survey=survey, answers={scale.pk: 3, free.pk: "Servizio ottimo"})
    public = survey_results(survey=survey, include_unmoderated=False)["questions"][1]["texts"]
    office = survey_results(survey=survey, include_unmoderated=True)["questions"][1]["texts"]
    assert public == [] and [a.text for a in office] == ["Servizio ottimo"]
    answer = SurveyAnswer.objects.get(question=free)
    with pytest.raises(PermissionDenied):
        services.survey_answer_moderate(actor=demo.users["sw.monza"], answer=answer, approve=True)
    services.survey_answer_moderate(actor=demo.users["planner"], answer=answer, approve=True)
    public = survey_results(survey=survey, include_unmoderated=False)["questions"][1]["texts"]
    assert [a.text for a in public] == ["Servizio ottimo"]


def test_the_office_moderates_from_the_survey_list(survey, client_as):
    free = survey.questions.get(kind=QuestionKind.TEXT)
    scale = survey.questions.get(kind=QuestionKind.SCALE)
    services.survey_response_submit(survey=survey, answers={scale.pk: 4, free.pk: "Nome e cognome dell'operatrice"})
    answer = SurveyAnswer.objects.get(question=free)
    client = client_as("planner")
    assert "Nome e cognome" in client.get("/monitoraggio/questionari/").content.decode()
    client.post(f"/monitoraggio/risposte/{answer.pk}/moderazione/", {"approve": "0"})
    answer.refresh_from_db()
    assert answer.moderation == Moderation.REJECTED and answer.moderated_by.username == "planner"
    assert client_as("sw.monza").post(f"/monitoraggio/risposte/{answer.pk}/moderazione/",
                                      {"approve": "1"}).status_code == 403


def test_the_office_types_in_a_paper_questionnaire(survey, client_as):
    client = client_as("planner")
    page = client.post(f"/monitoraggio/questionari/{survey.pk}/", {**_fields(survey, "2"),
                                                                   "submitted_on": "2025-05-06"})
    assert page.status_code == 302
    response = survey.responses.get()
    assert response.channel == ResponseChannel.PAPER and response.entered_by.username == "planner"
    assert response.submitted_at.date().isoformat() == "2025-05-06"
    assert client_as("observer").get(f"/monitoraggio/questionari/{survey.pk}/").status_code == 403


def _queries(client, url):
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_survey_lists_take_the_same_queries_for_1_and_50_surveys(survey, client_as, client):
    office = client_as("planner")
    one_office = _queries(office, "/monitoraggio/questionari/")
    client.logout()
    one_public = _queries(client, "/valutazione/")
    for n in range(49):
        Survey.objects.create(service=survey.service, title=f"Questionario {n}")
    office = client_as("planner")
    assert _queries(office, "/monitoraggio/questionari/") == one_office
    client.logout()
    assert _queries(client, "/valutazione/") == one_public


def test_the_office_creates_a_questionnaire_with_scale_and_free_text_questions(demo_with, client_as):
    ctx = demo_with("network")
    client = client_as("planner")
    assert client.get("/monitoraggio/questionari/nuovo/").status_code == 200
    response = client.post("/monitoraggio/questionari/nuovo/", {
        "service": ctx.services["adi"].pk, "title": "Gradimento ADI", "introduction": "",
        "questions": "Cortesia degli infermieri\n\n? Cosa possiamo migliorare?"})
    survey = Survey.objects.get(title="Gradimento ADI")
    assert response.status_code == 302
    assert [(q.text, q.kind, q.required) for q in survey.questions.all()] == [
        ("Cortesia degli infermieri", "scale", True), ("Cosa possiamo migliorare?", "text", False)]
    assert client_as("sw.monza").get("/monitoraggio/questionari/nuovo/").status_code == 403
