import pytest
from django.contrib.contenttypes.models import ContentType

from ambito.accounts.models import AccessAction, AccessLog
from ambito.accounts.selectors import access_log_for_record, scope_for
from ambito.accounts.services import access_log_record, access_log_records


def test_it_records_who_read_which_record_and_why(demo):
    record = demo.organisations["comune_monza"]
    entry = access_log_record(actor=demo.users["sw.monza"], record=record, action=AccessAction.READ, purpose="intake")
    assert entry.user == demo.users["sw.monza"]
    assert entry.object_id == str(record.pk)
    assert list(access_log_for_record(record=record)) == [entry]


def test_it_refuses_an_unknown_action(demo):
    with pytest.raises(ValueError):
        access_log_record(actor=demo.users["sw.monza"], record=demo.ambito, action="peek", purpose="x")


def test_a_list_read_is_logged_in_one_insert(demo, django_assert_num_queries):
    records = list(demo.comuni.values())
    ContentType.objects.get_for_model(records[0])  # content types are cached per process after first use
    scope_for(demo.users["planner"])  # computed once per request by the permission checks before any log
    with django_assert_num_queries(1):
        assert access_log_records(actor=demo.users["planner"], records=records, action=AccessAction.LIST, purpose="list") == 3
    assert AccessLog.objects.filter(action=AccessAction.LIST).count() == 3


def test_role_organisation_and_purpose_are_filled_in_when_the_call_site_gives_free_text(demo):
    entry = access_log_record(actor=demo.users["sw.monza"], record=demo.organisations["comune_monza"],
                              action=AccessAction.READ, purpose="looked up")
    assert (entry.role, entry.organisation) == ("social_worker", demo.organisations["comune_monza"])
    assert entry.purpose_code == "other" and entry.purpose == "looked up"  # an Organisation: no default purpose
    coded = access_log_record(actor=demo.users["dpo"], record=demo.ambito, action=AccessAction.READ,
                              purpose="audit", detail="checking")
    assert (coded.role, coded.organisation, coded.purpose_code, coded.purpose) == (
        "dpo", demo.organisations["udp"], "audit", "checking")
    anonymous = access_log_record(actor=None, record=demo.ambito, action=AccessAction.READ, purpose="x",
                                  organisation=demo.organisations["coop_ponte"])
    assert (anonymous.user, anonymous.role, anonymous.organisation_id) == (None, "", demo.organisations["coop_ponte"].pk)


def test_a_purpose_written_as_code_and_detail_keeps_both(demo):
    entry = access_log_record(actor=demo.users["dpo"], record=demo.ambito, action=AccessAction.UPDATE,
                              purpose="gdpr_request: erasure art. 17 (request 4)")
    assert (entry.purpose_code, entry.purpose) == ("gdpr_request", "gdpr_request: erasure art. 17 (request 4)")
    unknown = access_log_record(actor=demo.users["dpo"], record=demo.ambito, action=AccessAction.READ,
                                purpose="status: triaged")
    assert unknown.purpose_code == "other"  # "status" is not a purpose code: the record type decides
