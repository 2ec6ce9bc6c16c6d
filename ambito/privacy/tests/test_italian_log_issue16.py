"""Issue 16, finding 9: the access log and the erasure report speak Italian — the purpose of each access and
what the erasure did to each kind of record, not internal English codes."""

import datetime

from django.urls import reverse
from django.utils import translation

from ambito.access.models import Person
from ambito.accounts.models import AccessAction
from ambito.accounts.services import access_log_record
from ambito.privacy.views import _result_rows


def test_the_access_log_shows_purposes_in_italian(demo, client_as):
    maria = Person.objects.create(ambito=demo.ambito, first_name="Maria", last_name="Registro",
                                  birth_date=datetime.date(1940, 5, 1), sex="F", residence_comune=demo.comuni["monza"])
    access_log_record(actor=demo.users["sw.monza"], record=maria, action=AccessAction.LIST, purpose="work queue")
    access_log_record(actor=demo.users["sw.monza"], record=maria, action=AccessAction.UPDATE,
                      purpose="removed from waiting list")
    page = client_as("dpo").get(reverse("privacy-person-access-log", args=[maria.pk])).content.decode()
    assert "coda di lavoro" in page and "rimozione dalla lista d&#x27;attesa" in page
    assert "work queue" not in page


def test_the_erasure_report_names_records_and_actions_in_italian(db):
    result = {"sources": {"care.CarePlan": {"action": "retained", "rows": 2},
                          "access.PersonShareRequest": {"action": "deleted", "rows": 1},
                          "access.Person": {"action": "pseudonymised", "rows": 1}}}
    with translation.override("it"):
        rows = {row["key"]: (str(row["source"]), str(row["action"])) for row in _result_rows(result)}
    assert rows["care.CarePlan"][1].startswith("Conservati") and rows["access.Person"][1] == "Pseudonimizzato"
    assert rows["access.PersonShareRequest"][1] == "Cancellati"
    assert rows["care.CarePlan"][0] != "care.CarePlan"
