"""One rule for dates (``ambito.core.validators``): every date field of every form and serializer refuses a
date far outside sense, saying the allowed range in Italian; birth dates and dates of past events have their
own range; a value already stored is not judged again."""

import datetime

import pytest
from django import forms
from rest_framework import serializers

from ambito.core.forms import StyledFormMixin
from ambito.core.validators import BIRTH_DATE, DEFAULT, PAST_ONLY, SensibleDate, sensible_date

TODAY = datetime.date(2026, 12, 3)


@pytest.fixture(autouse=True)
def today(monkeypatch):
    monkeypatch.setattr("ambito.core.validators.timezone.localdate", lambda *args: TODAY)


def refusal(validator, value) -> str:
    with pytest.raises(forms.ValidationError) as error:
        validator(value)
    return error.value.messages[0]


def test_the_default_range_is_ten_calendar_years_each_way_and_the_message_says_it():
    assert DEFAULT.bounds() == (datetime.date(2016, 1, 1), datetime.date(2036, 12, 31))
    assert refusal(DEFAULT, datetime.date(1990, 5, 2)) == "La data deve essere tra il 01/01/2016 e il 31/12/2036."
    assert refusal(DEFAULT, datetime.date(2099, 1, 1)) == "La data deve essere tra il 01/01/2016 e il 31/12/2036."
    for fine in (datetime.date(2016, 1, 1), TODAY, datetime.date(2036, 12, 31)):
        DEFAULT(fine)


def test_birth_dates_are_not_in_the_future_nor_more_than_120_years_ago():
    assert BIRTH_DATE.bounds() == (datetime.date(1906, 12, 3), TODAY)
    for wrong in (datetime.date(2031, 1, 1), datetime.date(1850, 6, 1), TODAY + datetime.timedelta(days=1)):
        assert refusal(BIRTH_DATE, wrong) == "La data deve essere tra il 03/12/1906 e il 03/12/2026."
    BIRTH_DATE(datetime.date(1940, 2, 29))
    BIRTH_DATE(TODAY)


def test_past_events_end_today_and_a_field_may_choose_its_own_range():
    assert PAST_ONLY.bounds() == (datetime.date(2016, 1, 1), TODAY)
    assert refusal(PAST_ONLY, TODAY + datetime.timedelta(days=1)).endswith("e il 03/12/2026.")
    assert sensible_date(past_years=30).bounds() == (datetime.date(1996, 1, 1), datetime.date(2036, 12, 31))
    assert SensibleDate(past_years=1, future_years=2).bounds() == (datetime.date(2025, 1, 1),
                                                                   datetime.date(2028, 12, 31))


def test_a_date_time_is_judged_by_its_local_date():
    from django.utils import timezone

    DEFAULT(timezone.make_aware(datetime.datetime(2026, 12, 3, 9, 0)))
    assert "01/01/2016" in refusal(DEFAULT, timezone.make_aware(datetime.datetime(1999, 1, 1, 9, 0)))


class PlanForm(StyledFormMixin, forms.Form):
    start_date = forms.DateField()
    end_date = forms.DateField()
    birth_date = forms.DateField(required=False)
    received_at = forms.DateTimeField(required=False)
    signed_on = forms.DateField(required=False)
    review = forms.DateField(required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["review"].date_range = sensible_date(past_years=0, future_years=1)


def test_every_date_field_of_a_project_form_has_its_range_by_name():
    form = PlanForm({"start_date": "1900-01-01", "end_date": "2999-12-31", "birth_date": "2031-01-01",
                     "received_at": "2027-01-01 10:00", "signed_on": "2026-12-04", "review": "2028-01-01"})
    assert not form.is_valid()
    assert form.errors["start_date"] == ["La data deve essere tra il 01/01/2016 e il 31/12/2036."]
    assert form.errors["end_date"] == ["La data deve essere tra il 01/01/2016 e il 31/12/2036."]
    assert form.errors["birth_date"] == ["La data deve essere tra il 03/12/1906 e il 03/12/2026."]
    assert form.errors["received_at"] == ["La data deve essere tra il 01/01/2016 e il 03/12/2026."]
    assert form.errors["signed_on"] == ["La data deve essere tra il 01/01/2016 e il 03/12/2026."]
    assert form.errors["review"] == ["La data deve essere tra il 01/01/2026 e il 31/12/2027."]
    fine = PlanForm({"start_date": "2026-12-01", "end_date": "2027-11-30", "birth_date": "1950-04-04",
                     "received_at": "2026-12-02 10:00", "signed_on": "2026-12-03", "review": "2027-06-01"})
    assert fine.is_valid(), fine.errors


def test_a_stored_date_shown_again_unchanged_is_not_judged():
    initial = {"start_date": datetime.date(2012, 3, 1), "end_date": datetime.date(2027, 3, 1)}
    unchanged = PlanForm({"start_date": "2012-03-01", "end_date": "2027-03-01"}, initial=initial)
    assert unchanged.is_valid(), unchanged.errors
    moved = PlanForm({"start_date": "2011-03-01", "end_date": "2027-03-01"}, initial=initial)
    assert not moved.is_valid() and "start_date" in moved.errors


class PersonInput(serializers.Serializer):
    birth_date = serializers.DateField()
    scheduled_for = serializers.DateField()
    at = serializers.DateTimeField(required=False)
    since = serializers.DateField(required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["since"].date_range = None  # a field that wants no range at all


def test_every_serializer_date_field_has_the_same_rule():
    data = PersonInput(data={"birth_date": "1850-01-01", "scheduled_for": "1990-01-01",
                             "at": "2099-01-01T10:00:00+01:00", "since": "1800-01-01"})
    assert not data.is_valid()
    assert data.errors["birth_date"] == ["La data deve essere tra il 03/12/1906 e il 03/12/2026."]
    assert data.errors["scheduled_for"] == ["La data deve essere tra il 01/01/2016 e il 31/12/2036."]
    assert data.errors["at"] == ["La data deve essere tra il 01/01/2016 e il 31/12/2036."]
    assert "since" not in data.errors
    assert data.errors["birth_date"][0].code == "date_out_of_range"
    fine = PersonInput(data={"birth_date": "1950-01-01", "scheduled_for": "2026-12-10"})
    assert fine.is_valid(), fine.errors


@pytest.mark.django_db
def test_model_serializer_fields_get_the_rule_and_an_unchanged_stored_value_passes():
    from ambito.network.models import ProviderProfile

    class ProfileInput(serializers.ModelSerializer):
        class Meta:
            model = ProviderProfile
            fields = ["accreditation_date", "accreditation_expiry"]

    data = ProfileInput(data={"accreditation_date": "1990-01-01", "accreditation_expiry": "2999-01-01"})
    assert not data.is_valid()
    assert data.errors["accreditation_date"] == ["La data deve essere tra il 01/01/1996 e il 31/12/2036."]
    assert data.errors["accreditation_expiry"] == ["La data deve essere tra il 01/01/2016 e il 31/12/2036."]
    stored = ProviderProfile(accreditation_date=datetime.date(1995, 5, 1))
    again = ProfileInput(stored, data={"accreditation_date": "1995-05-01"}, partial=True)
    assert again.is_valid(), again.errors


def test_a_query_parameter_checked_with_a_bare_date_field_gets_the_default_range():
    field = serializers.DateField()
    with pytest.raises(serializers.ValidationError) as error:
        field.run_validation("1980-01-01")
    assert error.value.detail == ["La data deve essere tra il 01/01/2016 e il 31/12/2036."]
    assert field.run_validation("2026-01-01") == datetime.date(2026, 1, 1)
