"""Documents the PUA hands out, opened and read back: the PAI to sign and the outcome letter of a request (PDF,
WeasyPrint, read with pypdf). And the PAI form reached from a UVM or a person: the person chosen already."""

import io

import pytest
from pypdf import PdfReader

from ambito.access import services as access_services
from ambito.accounts.models import AccessAction, AccessLog
from ambito.care.tests.factories import person, signed_plan, uvm

pytestmark = pytest.mark.django_db


def _text(response) -> str:
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(response.content))
    return " ".join(" ".join(page.extract_text().split()) for page in reader.pages)


def test_the_pai_to_sign_is_a_pdf_with_goals_interventions_and_signature_lines(demo_with, client):
    demo = demo_with("network")
    plan, _intervention = signed_plan(demo)
    client.force_login(demo.users["sw.monza"])
    assert f"/casi/{plan.pk}/da-firmare.pdf" in client.get(f"/casi/{plan.pk}/").content.decode()
    text = _text(client.get(f"/casi/{plan.pk}/da-firmare.pdf"))
    for expected in ("PAI domiciliare", "Maria Rossi", "Stays at home safely", "Barthel ADL",
                     "Personal care 3 mornings a week", "La persona o chi la rappresenta", "Il case manager"):
        assert expected in text, expected
    assert AccessLog.objects.filter(action=AccessAction.EXPORT, purpose="PAI to sign (PDF)").count() == 1


def test_only_the_case_team_prints_the_pai(demo_with, client):
    demo = demo_with("network")
    plan, _intervention = signed_plan(demo)
    client.force_login(demo.users["sw.brugherio"])
    assert client.get(f"/casi/{plan.pk}/da-firmare.pdf").status_code in (403, 404)


def test_the_outcome_letter_names_the_request_and_its_outcome(demo_with, client):
    demo = demo_with("network")
    sw = demo.users["sw.monza"]
    who = person(demo, first="Ernesta", last="Brivio")
    request = access_services.request_create(actor=sw, person=who, channel="gp", need="Aiuto per la spesa",
                                             area="anziani")
    client.force_login(sw)
    early = client.get(f"/pua/domande/{request.pk}/lettera-esito.pdf")
    assert early.status_code == 302  # no outcome yet: no letter
    access_services.request_triage(actor=sw, request=request, triage_kind="social", outcome="information", note="")
    access_services.request_transition(actor=sw, request=request, to_status="information",
                                       note="Indirizzata al servizio di spesa a domicilio del Comune")
    text = _text(client.get(f"/pua/domande/{request.pk}/lettera-esito.pdf"))
    for expected in ("Esito della sua domanda di aiuto", "Ernesta Brivio", f"n. {request.pk}",
                     "Indirizzata al servizio di spesa a domicilio del Comune", "Evasa con informazioni"):
        assert expected in text, expected
    client.force_login(demo.users["gp"])  # the GP follows the outcome on its page, the PUA sends the letter
    assert client.get(f"/pua/domande/{request.pk}/lettera-esito.pdf").status_code == 404


def test_the_pai_form_from_a_uvm_has_the_person_chosen_already(demo_with, client):
    demo = demo_with("network")
    who = person(demo, first="Teresa", last="Brambilla")
    person(demo, first="Altra", last="Persona")
    _request, assessment = uvm(demo, who)
    client.force_login(demo.users["sw.monza"])
    form = client.get(f"/casi/nuovo/?uvm={assessment.pk}").context["form"]
    assert form.initial["person"] == who.pk and list(form.fields["person"].queryset) == [who]
    assert form.initial["area"] == "anziani"
    from_person = client.get(f"/casi/nuovo/?persona={who.pseudonym}").context["form"]
    assert from_person.initial["person"] == who.pk


def test_the_pai_form_after_an_admission_comes_with_person_area_and_title_and_saves_as_it_is(demo_with, client):
    """The journey's *Scrivi il PAI* after admitting a person from a waiting list (the UVM decided the service):
    two clicks, the link and Save (docs/access-doors.md, clicks from the GP's call to the first delivery)."""
    import re

    from ambito.access.models import AssessmentDecision
    from ambito.care.models import CarePlan

    demo = demo_with("network")
    who = person(demo, first="Teresa", last="Brambilla")
    _request, assessment = uvm(demo, who)
    assessment.decision, assessment.decision_service = AssessmentDecision.SERVICE, demo.services["sad_monza"]
    assessment.save(update_fields=["decision", "decision_service"])
    sw = demo.users["sw.monza"]
    access_services.priority_criteria_ensure_defaults(ambito=demo.ambito)
    sad = access_services.waiting_list_ensure(service=demo.services["sad_monza"], open_slots=1)
    entry = access_services.waiting_list_entry_add(actor=sw, waiting_list=sad, person=who, assessment=assessment)
    client.force_login(sw)
    admitted = client.post(f"/pua/liste-attesa/{sad.pk}/ammetti/", {"entry": entry.pk}, follow=True).content.decode()
    link = re.search(r'href="(/casi/nuovo/\?[^"]+)"', admitted).group(1).replace("&amp;", "&")
    form = client.get(link).context["form"]
    assert list(form.fields["person"].queryset) == [who] and form.initial["area"] == "anziani"
    assert form.initial["title"] == f"PAI — {demo.services['sad_monza'].name}"
    assert "assessment" not in form.initial  # a UVM that decided a service is not linked to the plan
    data = {name: form[name].value() for name in form.fields}
    response = client.post(link, {name: "" if value is None else value for name, value in data.items()})
    plan = CarePlan.objects.get(person=who)
    assert response.status_code == 302 and response.url == f"/casi/{plan.pk}/"
    assert (plan.area, plan.title, plan.assessment_id) == ("anziani", form.initial["title"], None)
