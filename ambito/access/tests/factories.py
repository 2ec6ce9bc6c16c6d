"""Fictional persons with valid-format codici fiscali, and helpers to build PUA records in tests."""

import datetime
import itertools

from codicefiscale import codicefiscale

from ambito.access import services

_counter = itertools.count(1)
FIRST = {"M": ["Mario", "Giuseppe", "Luigi", "Franco", "Carlo"], "F": ["Maria", "Rosa", "Angela", "Giovanna", "Lucia"]}
LAST = ["Brambilla", "Colombo", "Sala", "Galbiati", "Mariani", "Redaelli", "Fumagalli", "Longoni"]


def fiscal_code(*, first_name, last_name, sex, birth_date, birthplace="Monza") -> str:
    return codicefiscale.encode(lastname=last_name, firstname=first_name, gender=sex,
                                birthdate=birth_date.strftime("%d/%m/%Y"), birthplace=birthplace)


def person_fields(comune, *, sex="F", birth_date=None, **overrides) -> dict:
    n = next(_counter)
    first = FIRST[sex][n % 5]
    last = f"{LAST[n % 8]}{'xyzwk'[n % 5]}{n}"  # unique surnames keep homonym checks out of the way
    birth_date = birth_date or datetime.date(1935 + n % 40, 1 + n % 12, 1 + n % 28)
    fields = {
        "first_name": first, "last_name": last, "birth_date": birth_date, "sex": sex, "residence_comune": comune,
        "fiscal_code": fiscal_code(first_name=first, last_name=last, sex=sex, birth_date=birth_date),
    }
    return fields | overrides


def make_person(actor, comune, **overrides):
    return services.person_create(actor=actor, **person_fields(comune, **overrides))


def make_request(actor, person, **overrides):
    fields = {"channel": "pua_desk", "need": "Aiuto a domicilio dopo una caduta", "area": "anziani"} | overrides
    return services.request_create(actor=actor, person=person, **fields)


BARTHEL_ALL = {"feeding": 10, "bathing": 5, "grooming": 5, "dressing": 10, "bowels": 10, "bladder": 10,
               "toilet": 10, "transfers": 15, "mobility": 15, "stairs": 10}
BARTHEL_NONE = {code: 0 for code in BARTHEL_ALL}
LAWTON_ALL = {"telephone": "a", "shopping": "a", "food": "a", "housekeeping": "a", "laundry": "a",
              "transport": "a", "medication": "a", "finances": "a"}
