"""Two people editing the same intervention: the second save is refused, not lost."""

import pytest

from ambito.core.concurrency import StaleEditError
from ambito.planning import services
from ambito.planning.models import Intervention


def test_the_second_stale_save_is_refused_and_the_first_is_kept(planner, plan):
    first = Intervention.objects.get(plan=plan, code="I01")
    second = Intervention.objects.get(plan=plan, code="I01")
    services.intervention_update(actor=planner, intervention=first, expected_version=first.version,
                                 title="Versione di Giulia")
    with pytest.raises(StaleEditError) as exc:
        services.intervention_update(actor=planner, intervention=second, expected_version=second.version,
                                     title="Versione di Marco")
    assert "Qualcun altro ha salvato" in exc.value.messages[0]
    assert Intervention.objects.get(pk=first.pk).title == "Versione di Giulia"


def test_the_form_shows_the_stale_edit_message(client_as, plan):
    intervention = Intervention.objects.get(plan=plan, code="I01")
    client = client_as("planner")
    data = {"version": intervention.version, "code": "I01", "title": "Primo salvataggio", "area": "anziani",
            "comuni": [c.pk for c in intervention.comuni.all()]}
    first = client.post(f"/piano/interventi/{intervention.pk}/modifica/", data)
    assert first.status_code == 302, first.context["form"].errors
    response = client.post(f"/piano/interventi/{intervention.pk}/modifica/", {**data, "title": "Secondo"})
    assert response.status_code == 200
    assert "Qualcun altro ha salvato questo dato" in response.content.decode()
    assert Intervention.objects.get(pk=intervention.pk).title == "Primo salvataggio"


def test_the_api_answers_409_to_a_stale_patch(client_as, plan):
    intervention = Intervention.objects.get(plan=plan, code="I01")
    client = client_as("planner")
    url = f"/api/v1/interventions/{intervention.pk}/"
    ok = client.patch(url, {"version": intervention.version, "title": "A"}, content_type="application/json")
    assert ok.status_code == 200 and ok.json()["version"] == intervention.version + 1
    stale = client.patch(url, {"version": intervention.version, "title": "B"}, content_type="application/json")
    assert stale.status_code == 409
    assert "Qualcun altro ha salvato" in stale.json()["detail"][0]
    assert Intervention.objects.get(pk=intervention.pk).title == "A"
