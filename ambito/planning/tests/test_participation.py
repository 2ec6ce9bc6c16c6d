"""Co-programming with the Third Sector, public consultation with moderation, and their pages."""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from ambito.planning import services
from ambito.planning.models import CommentStatus, ContributionStatus


@pytest.fixture
def coprogramming(planner, plan):
    return services.plan_transition(actor=planner, plan=plan, action="start_coprogramming")


def test_an_ets_contributes_on_behalf_of_its_organisation(demo, coprogramming):
    table = services.table_create(actor=demo.users["planner"], plan=coprogramming, name="Tavolo anziani",
                                  participants=[demo.organisations["coop_ponte"]])
    contribution = services.contribution_submit(
        actor=demo.users["ets.operator"], plan=coprogramming, organisation=demo.organisations["coop_ponte"],
        title="SAD serale", text="Fascia serale", table=table, intervention=coprogramming.interventions.get(code="I01"))
    assert contribution.status == ContributionStatus.SUBMITTED
    with pytest.raises(PermissionDenied):
        services.contribution_submit(actor=demo.users["ets.operator"], plan=coprogramming,
                                     organisation=demo.organisations["fondazione_casa"], title="x", text="y")
    for username in ("sw.monza", "observer", "citizen"):
        with pytest.raises(PermissionDenied):
            services.contribution_submit(actor=demo.users[username], plan=coprogramming,
                                         organisation=demo.organisations["coop_ponte"], title="x", text="y")


def test_contributions_are_collected_only_in_coprogramming(demo, plan):
    with pytest.raises(PermissionDenied):
        services.contribution_submit(actor=demo.users["ets.operator"], plan=plan,
                                     organisation=demo.organisations["coop_ponte"], title="x", text="y")


def test_a_declined_contribution_needs_a_reason_and_a_merged_one_an_intervention(demo, planner, coprogramming):
    contribution = services.contribution_submit(actor=demo.users["ets.operator"], plan=coprogramming,
                                                organisation=demo.organisations["coop_ponte"], title="x", text="y")
    with pytest.raises(ValidationError, match="Spiega perché"):
        services.contribution_decide(actor=planner, contribution=contribution, status="declined", reason=" ")
    with pytest.raises(ValidationError, match="Scegli l'intervento"):
        services.contribution_decide(actor=planner, contribution=contribution, status="merged")
    contribution.refresh_from_db()
    assert contribution.status == ContributionStatus.SUBMITTED
    i01 = coprogramming.interventions.get(code="I01")
    services.contribution_decide(actor=planner, contribution=contribution, status="merged", intervention=i01)
    assert list(i01.contributions.values_list("status", flat=True)) == ["merged"]


def test_the_contributor_follows_its_proposal_to_the_intervention(client_as, demo, planner, coprogramming):
    contribution = services.contribution_submit(actor=demo.users["ets.operator"], plan=coprogramming,
                                                organisation=demo.organisations["coop_ponte"],
                                                title="SAD serale", text="Fascia serale")
    i01 = coprogramming.interventions.get(code="I01")
    services.contribution_decide(actor=planner, contribution=contribution, status="merged", intervention=i01)
    page = client_as("ets.operator").get(f"/piano/interventi/{i01.pk}/").content.decode()
    assert "Cooperativa Sociale Il Ponte" in page and "SAD serale" in page and "Integrato in un intervento" in page


def test_the_ets_operator_sends_a_contribution_from_the_page(client_as, demo, coprogramming):
    client = client_as("ets.operator")
    page = client.get(f"/piano/{coprogramming.pk}/coprogrammazione/")
    assert "Invia un contributo" in page.content.decode()
    response = client.post(f"/piano/{coprogramming.pk}/coprogrammazione/",
                           {"title": "Educativa di strada", "text": "Una équipe nei quartieri"}, follow=True)
    assert "Grazie: il tuo contributo è stato inviato" in response.content.decode()
    assert coprogramming.contributions.get().organisation == demo.organisations["coop_ponte"]


@pytest.fixture
def consultation(planner, coprogramming):
    return services.plan_transition(actor=planner, plan=coprogramming, action="open_consultation")


def test_citizens_read_the_published_consultation_and_comment_after_signing_in(client, demo, consultation):
    page = client.get(f"/piano/consultazione/{consultation.pk}/")
    assert page.status_code == 200 and "Assistenza domiciliare" in page.content.decode()
    assert "Accedi per commentare" in page.content.decode()
    assert client.get("/piano/consultazione/").content.decode().count(f"/piano/consultazione/{consultation.pk}/") == 1
    assert client.post(f"/piano/consultazione/{consultation.pk}/", {"section": "budget", "text": "x"}).status_code == 302
    client.force_login(demo.users["citizen"])
    response = client.post(f"/piano/consultazione/{consultation.pk}/",
                           {"section": "interventions", "text": "Serve più SAD il sabato."}, follow=True)
    assert "sarà pubblicato dopo la moderazione" in response.content.decode()
    assert "Serve più SAD il sabato." not in response.content.decode()  # not before moderation
    # the plan itself stays closed to the citizen
    assert client.get(f"/piano/{consultation.pk}/").status_code == 404


def test_the_office_moderates_and_answers_and_authors_are_never_shown(client, client_as, demo, planner, consultation):
    comment = services.comment_submit(actor=demo.users["citizen"], plan=consultation, section="interventions",
                                      text="Serve più SAD il sabato.")
    rejected = services.comment_submit(actor=demo.users["citizen"], plan=consultation, section="general",
                                       text="Mi chiamo Carla Verdi, via Roma 1")
    with pytest.raises(ValidationError, match="attendono ancora la moderazione"):
        services.plan_transition(actor=planner, plan=consultation, action="approve")
    moderation = client_as("planner").post(f"/piano/commenti/{comment.pk}/moderazione/",
                                           {"publish": "1", "answer": "Lo valuteremo nel 2026."}, follow=True)
    assert "Commento moderato." in moderation.content.decode()
    services.comment_moderate(actor=planner, comment=rejected, publish=False)
    client.logout()
    page = client.get(f"/piano/consultazione/{consultation.pk}/").content.decode()
    assert "Serve più SAD il sabato." in page and "Lo valuteremo nel 2026." in page
    assert "Carla" not in page and "Verdi" not in page
    comment.refresh_from_db()
    assert comment.status == CommentStatus.PUBLISHED


def test_comments_are_refused_outside_the_consultation(demo, plan):
    with pytest.raises(ValidationError, match="solo mentre il piano è in consultazione"):
        services.comment_submit(actor=demo.users["citizen"], plan=plan, section="general", text="Ciao")


def test_only_the_office_moderates(demo, consultation):
    comment = services.comment_submit(actor=demo.users["citizen"], plan=consultation, section="general", text="Ok")
    for username in ("citizen", "sw.monza", "observer"):
        with pytest.raises(PermissionDenied):
            services.comment_moderate(actor=demo.users[username], comment=comment, publish=True)


def test_after_approval_the_consultation_page_is_gone(client, planner, consultation):
    plan = consultation
    services.party_add(actor=planner, plan=plan, organisation=plan.ambito.organisations.get(name="Comune di Monza"))
    party = plan.parties.get()
    services.party_sign(actor=planner, party=party, signatory="Il Sindaco", signed_on=date(2025, 3, 1))
    services.plan_transition(actor=planner, plan=plan, action="approve")
    assert client.get(f"/piano/consultazione/{plan.pk}/").status_code == 404


def test_the_office_records_a_meeting_with_attendance_and_minutes(client_as, demo, coprogramming):
    from ambito.planning.models import Meeting

    table = services.table_create(actor=demo.users["planner"], plan=coprogramming, name="Tavolo disabilità",
                                  participants=[demo.organisations["coop_ponte"], demo.organisations["asst"]])
    response = client_as("planner").post(f"/piano/tavoli/{table.pk}/incontri/", {
        "date": "2025-02-12", "place": "Sala consiliare", "people_present": "12",
        "attendees": [demo.organisations["coop_ponte"].pk], "minutes": "Discusse le priorità."}, follow=True)
    assert "Incontro registrato." in response.content.decode()
    meeting = Meeting.objects.get(table=table)
    assert meeting.people_present == 12 and list(meeting.attendees.all()) == [demo.organisations["coop_ponte"]]
    assert "Discusse le priorità." in client_as("ets.operator").get(
        f"/piano/{coprogramming.pk}/coprogrammazione/").content.decode()
