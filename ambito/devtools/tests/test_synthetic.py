import pytest
from django.core.management import call_command
from django.db import IntegrityError, connection, transaction

from ambito.access.models import AccessRequest, Person
from ambito.care.models import Delivery
from ambito.core.tests.vendor import postgresql_only
from ambito.devtools.synthetic import Scale, seed
from ambito.planning.models import BudgetLine
from ambito.territory.models import Ambito, PopulationRecord
from ambito.territory.selectors import needs_indicators

copy_path = postgresql_only("the seeder's COPY with indexes and keys set aside is its PostgreSQL path")


def test_it_builds_a_coherent_ambito_at_the_requested_scale(db):
    gen = seed(Scale(ambiti=2, residents_per_ambito=3_000, seed=7))
    assert Ambito.objects.filter(code__startswith="syn-").count() == 2
    comune_ids = [c for c, _, _ in gen.state["comuni"]]
    residents = needs_indicators(comune_ids=comune_ids, year=2025).residents
    assert 5_700 <= residents <= 6_300
    persons = Person.objects.count()
    assert 0.05 * residents <= persons <= 0.08 * residents
    assert AccessRequest.objects.count() > persons
    assert Delivery.objects.count() > 10 * persons // 10
    assert BudgetLine.objects.filter(amount__lt=0).count() == 0
    assert PopulationRecord.objects.count() == gen.counts["territory.PopulationRecord"]


def _seeded_then_rolled_back(scale):
    with transaction.atomic():
        gen = seed(scale)
        fingerprint = (gen.counts, list(Delivery.objects.order_by("pk").values_list("delivered_on", "hours")[:500]))
        transaction.set_rollback(True)
    return fingerprint


def test_the_same_seed_gives_the_same_data(db):
    scale = Scale(ambiti=1, residents_per_ambito=2_000, seed=11)
    assert _seeded_then_rolled_back(scale) == _seeded_then_rolled_back(scale)


def test_the_command_does_nothing_when_already_seeded(db, capsys):
    call_command("seed_synthetic", ambiti=1, residents_per_ambito=2_000)
    count = Person.objects.count()
    call_command("seed_synthetic", ambiti=1, residents_per_ambito=2_000)
    assert Person.objects.count() == count
    assert "already present" in capsys.readouterr().out


def _indexes_and_keys(table: str) -> set:

    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_get_indexdef(indexrelid) FROM pg_index WHERE indrelid = %s::regclass", [table])
        indexes = {row[0] for row in cursor.fetchall()}
        cursor.execute("SELECT conname, pg_get_constraintdef(oid), convalidated FROM pg_constraint "
                       "WHERE conrelid = %s::regclass", [table])
        return indexes | set(cursor.fetchall())


@copy_path
def test_on_postgresql_the_load_puts_back_every_index_and_key_it_set_aside(db):
    """The generator drops a table's plain indexes and foreign keys for its COPY and builds them after: the
    catalogue afterwards is the one the migrations made, every key validated."""
    before = _indexes_and_keys("care_delivery")
    assert any("FOREIGN KEY (referral_id)" in str(item) for item in before)
    seed(Scale(ambiti=1, residents_per_ambito=2_000, seed=5))
    assert Delivery.objects.exists()
    assert _indexes_and_keys("care_delivery") == before


@copy_path
def test_on_postgresql_a_row_breaking_a_foreign_key_fails_the_load(db):
    """Keys set aside during the COPY are validated when they come back: nothing wrong slips in."""
    from ambito.devtools.synthetic import Generator

    gen = Generator(scale=Scale(ambiti=1))
    with pytest.raises(IntegrityError), transaction.atomic():
        gen.load(PopulationRecord, ["id", "comune_id", "year", "sex", "age", "count"], [(10**9, 10**9, 2025, "F", 70, 5)])
