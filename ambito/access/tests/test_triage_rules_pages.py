"""Triage rules edited by the Ambito on its own pages and through the API, with a preview of what a rule would
do to the last month's requests; the shipped rules are safe when a score is missing (issue 16, finding 9)."""

import datetime

from django.urls import reverse
from django.utils import timezone

from ambito.access import services
from ambito.access.demo import _rules
from ambito.access.models import AccessRequest, TriageRule
from ambito.access.tests.factories import make_person, make_request


def _discharge(ctx, **overrides):
    sw = ctx.users["sw.monza"]
    return make_request(sw, make_person(sw, ctx.comuni["monza"]), channel="hospital_discharge", **overrides)


def test_a_hospital_discharge_without_barthel_is_not_sent_to_sad_as_good_autonomy(pua):
    _rules(pua)
    proposal = services.triage_evaluate(request=_discharge(pua))
    assert proposal.outcome == "" and proposal.missing_scale == "barthel"
    assert "Barthel" in proposal.explanation and "non è noto" in proposal.explanation
    assert services.triage_evaluate(request=_discharge(pua), screening={"barthel": 75}).outcome == "referral"
    assert services.triage_evaluate(request=_discharge(pua), screening={"barthel": 40}).outcome == "uvm"


def test_a_missing_score_stops_the_rules_even_when_a_later_rule_has_no_score(pua):
    """Whatever the Ambito writes: a rule that needs a score it cannot check never lets a later rule decide."""
    _rules(pua)
    TriageRule.objects.create(ambito=pua.ambito, name="Tutte le dimissioni → SAD", order=90,
                              channel="hospital_discharge", triage_kind="social", outcome="referral")
    assert services.triage_evaluate(request=_discharge(pua)).outcome == ""


def _month_of_requests(pua):
    """Six hospital discharges received in the last month (Barthel 30, 50, 70, 90 typed at triage, two unknown)
    and one from 40 days ago, out of the preview."""
    sw = pua.users["sw.monza"]
    for barthel in (30, 50, 70, 90):
        request = _discharge(pua)
        services.request_triage(actor=sw, request=request, screening={"barthel": barthel})
    _discharge(pua), _discharge(pua)
    old = _discharge(pua)
    AccessRequest.objects.filter(pk=old.pk).update(received_at=timezone.now() - datetime.timedelta(days=40))


def _rule_post(**overrides):
    fields = {"name": "Dimissione con Barthel < 80 → UVM", "order": "10", "active": "on",
              "channel": "hospital_discharge", "area": "", "min_urgency": "", "scale": "", "score_operator": "lt",
              "score_threshold": "80", "triage_kind": "socio_health", "outcome": "uvm", "explanation": ""}
    return {**fields, **overrides}


def test_the_planner_previews_a_rule_change_on_the_last_month_then_saves_it(pua, client_as):
    _rules(pua)
    _month_of_requests(pua)
    barthel = TriageRule.objects.get(order=10).scale
    first = TriageRule.objects.get(order=10)
    client = client_as("planner")
    listing = client.get(reverse("access-triage-rules")).content.decode()
    assert "Dimissione ospedaliera con Barthel &lt; 60" in listing or "Dimissione ospedaliera con Barthel < 60" \
        in listing
    url = reverse("access-triage-rule-edit", args=[first.pk])
    preview = client.post(url, {**_rule_post(scale=barthel.pk), "preview": "1"})
    assert preview.status_code == 200
    data = preview.context["preview"]
    # 6 requests in the month; threshold 60 → 80: Barthel 70 now goes to UVM instead of SAD
    assert data["requests"] == 6 and data["changed"] == 1
    assert data["transitions"] == [{"before": "Invio diretto a un servizio", "after": "Valutazione UVM",
                                    "count": 1}] or data["transitions"][0]["count"] == 1
    assert 'id="preview-changes"' in preview.content.decode()
    assert TriageRule.objects.get(pk=first.pk).score_threshold == 60  # nothing saved
    saved = client.post(url, {**_rule_post(scale=barthel.pk), "save": "1"})
    assert saved.status_code == 302 and TriageRule.objects.get(pk=first.pk).score_threshold == 80


def test_a_rule_on_a_scale_needs_a_comparison_and_a_threshold_in_range(pua, client_as):
    _rules(pua)
    barthel = TriageRule.objects.get(order=10).scale
    client = client_as("planner")
    url = reverse("access-triage-rule-create")
    out_of_range = client.post(url, {**_rule_post(scale=barthel.pk, score_threshold="150"), "save": "1"})
    assert out_of_range.status_code == 400 and "tra 0 e 100" in out_of_range.content.decode()
    no_scale = client.post(url, {**_rule_post(), "save": "1"})
    assert no_scale.status_code == 400
    assert TriageRule.objects.filter(ambito=pua.ambito).count() == 5


def test_only_the_planning_office_edits_rules(pua, client_as):
    _rules(pua)
    rule = TriageRule.objects.first()
    sw = client_as("sw.monza")
    assert sw.get(reverse("access-triage-rules")).status_code == 200  # case workers read them
    assert sw.get(reverse("access-triage-rule-edit", args=[rule.pk])).status_code == 403
    assert sw.post("/api/v1/triage-rules/", {"name": "x", "triage_kind": "social", "outcome": "information"},
                   content_type="application/json").status_code == 403
    assert client_as("gp").get(reverse("access-triage-rules")).status_code == 403


def test_rules_through_the_api_with_preview(pua, client_as):
    _rules(pua)
    _month_of_requests(pua)
    client = client_as("planner")
    listed = client.get("/api/v1/triage-rules/").json()
    rows = listed["results"] if isinstance(listed, dict) else listed
    assert len(rows) == 5 and rows[0]["scale"] == "barthel"
    first = TriageRule.objects.get(order=10)
    body = {"rule": first.pk, "name": first.name, "order": 10, "channel": "hospital_discharge", "scale": "barthel",
            "score_operator": "lt", "score_threshold": "80", "triage_kind": "socio_health", "outcome": "uvm"}
    preview = client.post("/api/v1/triage-rules/preview/", body, content_type="application/json")
    assert preview.status_code == 200 and preview.json()["requests"] == 6 and preview.json()["changed"] == 1
    changed = client.patch(f"/api/v1/triage-rules/{first.pk}/", {"score_threshold": "70"},
                           content_type="application/json")
    assert changed.status_code == 200 and changed.json()["score_threshold"] == "70.0"
    created = client.post("/api/v1/triage-rules/", {"name": "Minori → UVM", "area": "famiglia_minori",
                                                    "triage_kind": "social", "outcome": "uvm", "order": 60},
                          content_type="application/json")
    assert created.status_code == 201
    bad = client.post("/api/v1/triage-rules/", {"name": "x", "scale": "barthel", "triage_kind": "social",
                                                "outcome": "uvm"}, content_type="application/json")
    assert bad.status_code == 400
