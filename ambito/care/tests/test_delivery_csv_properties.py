"""Property tests (Hypothesis) of the providers' delivery CSV import: random bytes and mutated rows are imported
or refused with ``ImportRejected`` (nothing written); a generated valid file imports and reads back."""

import csv
import datetime
import io
from decimal import Decimal

import pytest
from django.db import transaction
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ambito.care import services
from ambito.care.models import Delivery
from ambito.core.imports import ImportRejected

from .factories import accepted_referral

BOUNDED = settings(max_examples=40, deadline=None, derandomize=True, database=None,
                   suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
HEADER = ["referral", "date", "start", "end", "hours", "type", "operator", "operator_code", "quantity", "amount",
          "notes"]
NASTY = st.one_of(
    st.text(max_size=8), st.text(min_size=100, max_size=300),
    st.sampled_from(["", "0", "-1", "24", "25", "1,5", "nan", "NaN", "sNaN", "Infinity", "-inf", "1e30", "1e-30",
                     "99:99", "8:00", "07:30", "2026-02-30", "31/12/1999", "3000-01-01", "home_care_visit",
                     "economic_benefit", "other", ";", ",", '"', "\x00", "\n", "1234567890123", "0.001"]),
)


@pytest.fixture
def referral(care_demo):
    return accepted_referral(care_demo)


@pytest.fixture
def provider(care_demo):
    return care_demo.users["ets.operator"]


def _csv(rows, delimiter=";") -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter)
    writer.writerow(HEADER)
    writer.writerows(rows)
    return buffer.getvalue().encode()


def _valid_row(referral, day: datetime.date, hours: Decimal, operator: str) -> list:
    return [str(referral.pk), day.isoformat(), "", "", str(hours), "home_care_visit", operator, "", "", "", "note"]


def _imported_or_refused(provider, data: bytes):
    """The import either returns its deliveries or refuses the whole file, writing nothing."""
    before = Delivery.objects.count()
    with transaction.atomic():
        try:
            created = services.delivery_import_csv(actor=provider, data=data)
        except ImportRejected as refused:
            assert refused.errors and all(str(error) for error in refused.errors)
            assert Delivery.objects.count() == before
            outcome = "refused"
        else:
            assert Delivery.objects.count() == before + len(created)
            outcome = "imported"
        transaction.set_rollback(True)
    return outcome


def test_arbitrary_bytes_are_refused_or_imported(referral, provider):
    @BOUNDED
    @given(data=st.binary(max_size=400) | st.text(max_size=400).map(lambda t: t.encode("utf-8"))
           | st.text(max_size=200).map(lambda t: ("referral;date;type;operator\n" + t).encode("utf-8")))
    def check(data):
        _imported_or_refused(provider, data)

    check()


def test_mutated_rows_are_refused_whole_or_imported(referral, provider):
    today = timezone.localdate()
    rows = [_valid_row(referral, today - datetime.timedelta(days=n), Decimal("2"), f"Operatore {n}")
            for n in (1, 2, 3)]
    outcomes = []

    @BOUNDED
    @given(edits=st.lists(st.tuples(st.integers(0, 2), st.integers(0, len(HEADER)), NASTY), min_size=1,
                          max_size=5),
           delimiter=st.sampled_from([";", ","]))
    def check(edits, delimiter):
        mutated = [list(row) for row in rows]
        for row, column, value in edits:
            if column == len(HEADER):
                mutated[row].append(value)  # a row longer than the header
            else:
                mutated[row][column] = value
        outcomes.append(_imported_or_refused(provider, _csv(mutated, delimiter)))

    check()
    assert "refused" in outcomes


def test_a_generated_valid_file_imports_and_reads_back(referral, provider):
    today = timezone.localdate()
    days = [today - datetime.timedelta(days=n) for n in range(1, 28)]

    @BOUNDED
    @given(entries=st.lists(st.tuples(st.sampled_from(days),
                                      st.decimals(min_value=Decimal("0.25"), max_value=Decimal("8"), places=2),
                                      st.sampled_from(["Anna", "Bruno", "Carla"])),
                            min_size=1, max_size=12, unique_by=lambda e: (e[0], e[2])))
    def check(entries):
        data = _csv([_valid_row(referral, day, hours, operator) for day, hours, operator in entries])
        with transaction.atomic():
            created = services.delivery_import_csv(actor=provider, data=data)
            assert len(created) == len(entries)
            stored = sorted(Delivery.objects.filter(pk__in=[d.pk for d in created]).values_list(
                "delivered_on", "hours", "operator_name"))
            assert stored == sorted(entries)
            transaction.set_rollback(True)

    check()
