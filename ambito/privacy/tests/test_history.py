"""Art. 16: who changed which field of the person's records, from what to what, when (django-auditlog)."""

from auditlog.context import set_actor
from auditlog.registry import auditlog
from django.apps import apps

from ambito.access import services as access
from ambito.accounts.models import AccessLog
from ambito.privacy.history import REGISTERED_HERE
from ambito.privacy.selectors import person_history


def test_the_person_and_the_main_person_models_are_in_the_change_log():
    for label in [*REGISTERED_HERE, "care.CarePlan", "care.Referral", "care.CaseNote", "care.HealthBudget",
                  "care.Discharge", "access.AccessRequest"]:
        assert auditlog.contains(apps.get_model(label)), label


def test_the_history_shows_who_changed_which_field_from_what_to_what(world, subject, client_as):
    sw = world.users["sw.monza"]
    with set_actor(sw):  # what AuditlogMiddleware does for a signed-in request
        access.person_update(actor=sw, person=subject, expected_version=subject.version, address="Via Borgazzi 3")
    rows = person_history(person=subject)
    phone = next(c for row in rows for c in row["changes"] if c["field"] == "telefono")
    assert (phone["old"], phone["new"]) == ("039 7654321", "039 1111111")
    newest = rows[0]
    assert newest["actor"] == "Marco Ferrari" and newest["record_type"] == "persona"
    assert {"field": "indirizzo", "old": "Via Lissoni 17", "new": "Via Borgazzi 3"} in newest["changes"]
    # related records are in the same history: the care plan's signature, the sharing with Brugherio
    assert any(row["record_type"] == "piano di assistenza individualizzato (PAI)" for row in rows)
    assert any(c["field"] == "condivisa con" and "Brugherio" in c["new"] for row in rows for c in row["changes"])

    assert client_as("sw.monza").get(f"/privacy/persone/{subject.pseudonym}/").status_code in (403, 404)
    page = client_as("dpo").get(f"/privacy/persone/{subject.pseudonym}/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "Via Borgazzi 3" in html and "039 1111111" in html
    assert AccessLog.objects.filter(object_id=str(subject.pk), purpose="gdpr_request: change history",
                                    user=world.users["dpo"]).count() == 1
    api = client_as("dpo").get(f"/api/v1/privacy/persons/{subject.pseudonym}/history/")
    assert api.status_code == 200
    assert any(c["new"] == "Via Borgazzi 3" for row in api.json() for c in row["changes"])
