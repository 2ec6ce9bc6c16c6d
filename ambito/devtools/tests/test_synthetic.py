from django.core.management import call_command
from django.db import transaction

from ambito.access.models import AccessRequest, Person
from ambito.care.models import Delivery
from ambito.devtools.synthetic import Scale, seed
from ambito.planning.models import BudgetLine
from ambito.territory.models import Ambito, PopulationRecord
from ambito.territory.selectors import needs_indicators


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
