"""Registering a person: codice fiscale checks, duplicates, pseudonym, access log."""

import datetime

import pytest
from codicefiscale import codicefiscale
from django.core.exceptions import PermissionDenied, ValidationError

from ambito.access import services
from ambito.access.models import Person
from ambito.access.tests.factories import fiscal_code, make_person, person_fields
from ambito.accounts.models import AccessLog


def test_it_registers_a_person_with_a_random_pseudonym_and_logs_it(pua):
    sw = pua.users["sw.monza"]
    fields = person_fields(pua.comuni["monza"])
    person = services.person_create(actor=sw, **fields)
    assert person.pseudonym.startswith("P-") and len(person.pseudonym) == 12
    assert fields["fiscal_code"][:6] not in person.pseudonym
    assert person.ambito == pua.ambito
    log = AccessLog.objects.get(object_id=str(person.pk), action="create")
    assert log.person_ref == person.pseudonym and log.user == sw


def test_two_persons_get_different_pseudonyms(pua):
    sw = pua.users["sw.monza"]
    a, b = make_person(sw, pua.comuni["monza"]), make_person(sw, pua.comuni["monza"])
    assert a.pseudonym != b.pseudonym


@pytest.mark.parametrize(("code", "message"), [
    ("RSSMRA40B01F704A", "carattere di controllo"),  # wrong check character (U expected)
    ("RSSMRA40B30F704" + codicefiscale.encode_cin("RSSMRA40B30F704"), "data di nascita impossibile"),  # 30 Feb
    ("RSSMRA40B01", "non è nel formato"),
    ("1234567890123456", "non è nel formato"),
])
def test_an_invalid_codice_fiscale_is_refused_and_nothing_is_saved(pua, code, message):
    fields = person_fields(pua.comuni["monza"], sex="M", birth_date=datetime.date(1940, 2, 1), fiscal_code=code)
    with pytest.raises(ValidationError) as error:
        services.person_create(actor=pua.users["sw.monza"], **fields)
    assert message in " ".join(error.value.message_dict["fiscal_code"])
    assert not Person.objects.exists()


def test_birth_date_and_sex_must_match_the_code(pua):
    code = fiscal_code(first_name="Mario", last_name="Rossi", sex="M", birth_date=datetime.date(1940, 2, 1))
    base = {"first_name": "Mario", "last_name": "Rossi", "residence_comune": pua.comuni["monza"], "fiscal_code": code}
    with pytest.raises(ValidationError) as error:
        services.person_create(actor=pua.users["sw.monza"], birth_date=datetime.date(1940, 2, 2), sex="M", **base)
    assert "birth_date" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        services.person_create(actor=pua.users["sw.monza"], birth_date=datetime.date(1940, 2, 1), sex="F", **base)
    assert "sex" in error.value.message_dict
    assert services.person_create(actor=pua.users["sw.monza"], birth_date=datetime.date(1940, 2, 1), sex="M", **base)


def test_an_unknown_birthplace_is_a_warning_the_operator_can_override(pua):
    # Z999 is no Comune nor State: a well-formed code with a correct check character otherwise
    code = fiscal_code(first_name="Mario", last_name="Rossi", sex="M", birth_date=datetime.date(1940, 2, 1))
    body = code[:11] + "Z999"
    code = body + codicefiscale.encode_cin(body)
    fields = {"first_name": "Mario", "last_name": "Rossi", "residence_comune": pua.comuni["monza"],
              "fiscal_code": code, "birth_date": datetime.date(1940, 2, 1), "sex": "M"}
    with pytest.raises(ValidationError) as error:
        services.person_create(actor=pua.users["sw.monza"], **fields)
    assert error.value.error_dict["fiscal_code"][0].code == "birthplace_unresolved"
    person = services.person_create(actor=pua.users["sw.monza"], confirm_birthplace=True, **fields)
    assert person.birthplace_override


def test_a_duplicate_codice_fiscale_is_refused(pua):
    fields = person_fields(pua.comuni["monza"])
    services.person_create(actor=pua.users["sw.monza"], **fields)
    with pytest.raises(ValidationError) as error:
        services.person_create(actor=pua.users["sw.monza"], **(fields | {"fiscal_code": fields["fiscal_code"].lower()}))
    assert "già registrata" in " ".join(error.value.message_dict["fiscal_code"])
    assert Person.objects.count() == 1


def test_same_name_and_birth_date_needs_confirmation(pua):
    fields = person_fields(pua.comuni["monza"])
    first = services.person_create(actor=pua.users["sw.monza"], **(fields | {"fiscal_code": ""}))
    with pytest.raises(ValidationError) as error:
        services.person_create(actor=pua.users["sw.monza"], **fields)
    assert first.pseudonym in str(error.value)
    assert services.person_create(actor=pua.users["sw.monza"], confirm_homonym=True, **fields)


def test_a_social_worker_cannot_register_a_resident_of_another_comune(pua):
    with pytest.raises(PermissionDenied):
        services.person_create(actor=pua.users["sw.brugherio"], **person_fields(pua.comuni["monza"]))
    for username in ("ets.operator", "observer", "planner"):
        with pytest.raises(PermissionDenied):
            services.person_create(actor=pua.users[username], **person_fields(pua.comuni["monza"]))


def test_update_refuses_a_stale_copy(pua):
    from ambito.core.concurrency import StaleEditError

    person = make_person(pua.users["sw.monza"], pua.comuni["monza"])
    services.person_update(actor=pua.users["sw.monza"], person=person, expected_version=1, phone="039 000")
    with pytest.raises(StaleEditError):
        services.person_update(actor=pua.users["sw.monza"], person=Person.objects.get(pk=person.pk),
                               expected_version=1, phone="039 111")
    assert Person.objects.get(pk=person.pk).phone == "039 000"
