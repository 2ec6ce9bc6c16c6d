"""Whole numbers typed in query strings and sheet names: "²" passes ``str.isdigit()`` but not ``int()``."""

import pytest

from ambito.core.text import plain_int


@pytest.mark.parametrize("raw, expected", [("2022", 2022), (" 7 ", 7), ("0", 0), ("²", None), ("١٢", None),
                                           ("-3", None), ("1e3", None), ("", None), (None, None),
                                           ("9999999999", None), ("123456789", 123456789)])
def test_only_plain_ascii_numbers_of_up_to_nine_digits_are_read(raw, expected):
    assert plain_int(raw) == expected


URLS = [
    ("sw.monza", "/casi/nuovo/?uvm=%C2%B2"),
    ("sw.monza", "/casi/nuovo/?uvm=99999999999999999999999"),
    ("sw.monza", "/api/v1/comuni/?year=%C2%B2"),
    ("planner", "/piano/{plan}/bilancio/?anno=%C2%B2"),
    ("planner", "/api/v1/plans/{plan}/budget/?year=%C2%B2"),
    ("observer", "/api/v1/indicators/hours_delivered/values/?service=%C2%B2"),
]


@pytest.mark.django_db
def test_a_superscript_digit_in_a_query_string_is_no_server_error(client, demo_with):
    # The parameters are read before any data is: the plan and the indicators are all the URLs need (no persons).
    ctx = demo_with("network", "planning", "monitoring")
    plan = next(iter(ctx.plans.values()))
    for who, url in URLS:
        client.force_login(ctx.users[who])
        response = client.get(url.format(plan=plan.pk))
        assert response.status_code in (200, 400), (url, response.status_code)
