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


# --- The same through the API (/api/v1/scales/), with the same checks and the same change history ---------


def _api_body(scale, **overrides):
    body = {
        "name": scale.name,
        "description": scale.description,
        "active": True,
        "bands": scale.bands,
        "items": [
            {"code": i.code, "label": i.label, "options": i.options} for i in scale.items.order_by("order")
        ],
    }
    return {**body, **overrides}


def test_the_planner_reads_and_changes_a_scale_through_the_api(pua, client_as):
    from auditlog.models import LogEntry

    from ambito.accounts.models import AccessLog

    scale = Scale.objects.get(code="svama-exton-smith")
    client = client_as("planner")
    listed = client.get("/api/v1/scales/").json()
    rows = listed["results"] if isinstance(listed, dict) else listed
    assert {"barthel", "lawton_iadl", "svama-spmsq", "svama-exton-smith"} <= {row["code"] for row in rows}
    detail = client.get("/api/v1/scales/svama-exton-smith/").json()
    assert detail["min_score"] == "5.0" and detail["max_score"] == "20.0" and len(detail["items"]) == 5
    assert detail["items"][0]["options"][0] == {"value": "1", "label": "Pessime", "points": 1}
    bands = [
        {"min": 5, "max": 10, "label": "Rischio molto elevato"},
        {"min": 11, "max": 14, "label": "Rischio elevato"},
        {"min": 15, "max": 20, "label": "Rischio basso"},
    ]
    changed = client.patch(
        "/api/v1/scales/svama-exton-smith/", {"bands": bands}, content_type="application/json"
    )
    assert changed.status_code == 200, changed.content
    assert changed.json()["bands"][0] == {"min": 5, "max": 10, "label": "Rischio molto elevato"}
    scale.refresh_from_db()
    assert scale.bands == bands and scale.name.startswith("SVAMA")  # the rest as it was
    # one item's answers, by PATCH: the other items keep theirs
    general = scale.items.get(code="general")
    options = [{**o, "label": o["label"].upper()} for o in general.options]
    assert (
        client.patch(
            "/api/v1/scales/svama-exton-smith/",
            {"items": [{"code": "general", "label": "Condizioni generali", "options": options}]},
            content_type="application/json",
        ).status_code
        == 200
    )
    assert scale.items.get(code="general").options[0]["label"] == "PESSIME"
    assert scale.items.get(code="mental").options[0]["label"] == "Stuporoso"
    # PUT gives the whole scale, as the page does
    put = client.put(
        "/api/v1/scales/svama-exton-smith/",
        _api_body(scale, name="Exton-Smith (SVAMA)", active=False),
        content_type="application/json",
    )
    assert (
        put.status_code == 200
        and put.json()["name"] == "Exton-Smith (SVAMA)"
        and put.json()["active"] is False
    )
    # the same history as the page: the access log and the change log, naming the planner
    planner = pua.users["planner"]
    assert (
        AccessLog.objects.filter(object_id=str(scale.pk), purpose="scale edited", user=planner).count() == 3
    )
    assert (
        LogEntry.objects.get_for_object(scale).filter(actor=planner).count() == 2
    )  # bands, then name and use
    assert LogEntry.objects.get_for_object(general).filter(actor=planner).count() == 1  # its answers


def test_the_api_refuses_what_the_page_refuses(pua, client_as):
    scale = Scale.objects.get(code="svama-spmsq")
    before = (list(scale.bands), scale.items.get(code="date").options)
    client = client_as("planner")
    url = "/api/v1/scales/svama-spmsq/"

    def patch(body):
        return client.patch(url, body, content_type="application/json")

    gap = patch(
        {"bands": [{"min": 0, "max": 3, "label": "Lucido"}, {"min": 5, "max": 10, "label": "Confuso"}]}
    )
    assert gap.status_code == 400 and "alcuni punteggi non hanno una fascia" in gap.json()["bands"][0]
    overlap = patch(
        {"bands": [{"min": 0, "max": 5, "label": "Lucido"}, {"min": 4, "max": 10, "label": "Confuso"}]}
    )
    assert overlap.status_code == 400 and "si sovrappongono" in overlap.json()["bands"][0]
    two_points = patch(
        {
            "items": [
                {
                    "code": "date",
                    "label": "Data",
                    "options": [
                        {"value": "ok", "points": 0, "label": "Corretta"},
                        {"value": "err", "points": 2, "label": "Errata"},
                    ],
                }
            ]
        }
    )
    assert two_points.status_code == 400 and "da 0 a 11" in str(two_points.json())
    no_points = patch(
        {
            "items": [
                {
                    "code": "date",
                    "label": "Data",
                    "options": [
                        {"value": "ok", "points": None, "label": "Corretta"},
                        {"value": "err", "points": 1, "label": "Errata"},
                    ],
                }
            ]
        }
    )
    assert no_points.status_code == 400 and "item_date" in no_points.json()  # this scale has no "never done"
    unknown = patch(
        {
            "items": [
                {
                    "code": "shoe_size",
                    "label": "Numero di scarpe",
                    "options": [
                        {"value": "a", "points": 0, "label": "a"},
                        {"value": "b", "points": 1, "label": "b"},
                    ],
                }
            ]
        }
    )
    assert unknown.status_code == 400
    partial_put = client.put(
        url, {"name": "x", "bands": scale.bands, "items": []}, content_type="application/json"
    )
    assert partial_put.status_code == 400
    twice = _api_body(scale)
    twice["items"] = twice["items"] + twice["items"][:1]
    once = client.put(url, twice, content_type="application/json")
    assert once.status_code == 400 and "una sola volta" in once.json()["items"][0]
    assert patch({"name": "  "}).status_code == 400
    scale.refresh_from_db()
    assert (scale.bands, scale.items.get(code="date").options) == before


def test_case_workers_read_scales_through_the_api_but_do_not_change_them(pua, client_as):
    sw = client_as("sw.monza")
    assert sw.get("/api/v1/scales/").status_code == 200
    assert sw.get("/api/v1/scales/barthel/").status_code == 200
    assert (
        sw.patch("/api/v1/scales/barthel/", {"name": "Barthel"}, content_type="application/json").status_code
        == 403
    )
    assert client_as("gp").get("/api/v1/scales/").status_code == 403
    assert client_as("observer").get("/api/v1/scales/barthel/").status_code == 403
    sw.logout()
    assert sw.get("/api/v1/scales/").status_code in {401, 403}
    assert Scale.objects.get(code="barthel").name == "Indice di Barthel (ADL)"
