"""Scales edited by the Ambito's planning office on their own pages: bands and answers, checked so a scale can
never score outside its range; case workers read them."""

from django.urls import reverse

from ambito.access import services
from ambito.access.models import Scale


def _post(scale, **overrides):
    data = {"name": scale.name, "description": scale.description, "active": "on",
            "bands": services.bands_text(scale.bands)}
    for item in scale.items.order_by("order"):
        data[f"label_{item.code}"] = item.label
        data[f"item_{item.code}"] = services.options_text(item.options)
    return {**data, **overrides}


def test_the_planner_changes_the_bands_of_a_scale(pua, client_as):
    scale = Scale.objects.get(code="svama-exton-smith")
    client = client_as("planner")
    assert "svama-exton-smith" in client.get(reverse("access-scales")).content.decode()
    url = reverse("access-scale-edit", args=[scale.code])
    assert client.get(url).status_code == 200
    bands = "5–10: Rischio molto elevato\n11–14: Rischio elevato\n15–20: Rischio basso"
    assert client.post(url, _post(scale, bands=bands)).status_code == 302
    scale.refresh_from_db()
    assert scale.bands[0] == {"min": 5, "max": 10, "label": "Rischio molto elevato"}


def test_a_scale_cannot_be_made_to_score_outside_its_range(pua, client_as):
    scale = Scale.objects.get(code="svama-spmsq")
    client = client_as("planner")
    url = reverse("access-scale-edit", args=[scale.code])
    gap = client.post(url, _post(scale, bands="0–3: Lucido\n5–10: Confuso"))
    assert gap.status_code == 400 and "alcuni punteggi non hanno una fascia" in gap.content.decode()
    overlap = client.post(url, _post(scale, bands="0–5: Lucido\n4–10: Confuso"))
    assert overlap.status_code == 400 and "si sovrappongono" in overlap.content.decode()
    two_points = client.post(url, _post(scale, item_date="ok | 0 | Corretta\nerr | 2 | Errata"))
    assert two_points.status_code == 400 and "da 0 a 11" in two_points.content.decode()
    garbled = client.post(url, _post(scale, item_date="ok 0 Corretta"))
    assert garbled.status_code == 400
    scale.refresh_from_db()
    assert scale.bands[1]["label"] == "Confuso" and scale.items.get(code="date").options[1]["points"] == 1


def test_case_workers_read_scales_but_do_not_edit_them(pua, client_as):
    client = client_as("sw.monza")
    assert client.get(reverse("access-scales")).status_code == 200
    assert client.get(reverse("access-scale-edit", args=["barthel"])).status_code == 403
    assert client_as("gp").get(reverse("access-scales")).status_code == 403
