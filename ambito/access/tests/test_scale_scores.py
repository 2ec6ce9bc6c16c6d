"""Scale scores against hand-scored examples, boundaries included; bad answers are refused."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from ambito.access.models import Scale
from ambito.access.scoring import score_answers
from ambito.access.tests.factories import BARTHEL_ALL, BARTHEL_NONE, LAWTON_ALL


def score(code, answers):
    scale = Scale.objects.get(code=code)
    return score_answers(scale, list(scale.items.all()), answers)


@pytest.mark.django_db
def test_barthel_extremes_are_0_and_100():
    assert score("barthel", BARTHEL_ALL).score == Decimal(100)
    assert score("barthel", BARTHEL_ALL).band == "Autonomia"
    assert score("barthel", BARTHEL_NONE).score == Decimal(0)
    assert score("barthel", BARTHEL_NONE).band == "Dipendenza totale"


@pytest.mark.django_db
@pytest.mark.parametrize(("answers", "expected", "band"), [
    # hand-scored: 10+5+5+10+10+10+10+15+15+5 = 95
    ({**BARTHEL_ALL, "stairs": 5}, 95, "Dipendenza lieve"),
    # 5+0+0+5+10+5+5+10+10+5 = 55
    ({"feeding": 5, "bathing": 0, "grooming": 0, "dressing": 5, "bowels": 10, "bladder": 5, "toilet": 5,
      "transfers": 10, "mobility": 10, "stairs": 5}, 55, "Dipendenza grave"),
    # boundaries of the bands: 20 | 21, 60 | 61, 90 | 91, 99 is impossible (steps of 5) so 95 above
    ({**BARTHEL_NONE, "feeding": 10, "transfers": 10}, 20, "Dipendenza totale"),
    ({**BARTHEL_NONE, "feeding": 10, "transfers": 15}, 25, "Dipendenza grave"),
    ({**BARTHEL_ALL, "transfers": 0, "mobility": 0, "stairs": 0}, 60, "Dipendenza grave"),
    ({**BARTHEL_ALL, "transfers": 5, "mobility": 0, "stairs": 0}, 65, "Dipendenza moderata"),
    ({**BARTHEL_ALL, "stairs": 0}, 90, "Dipendenza moderata"),
])
def test_barthel_hand_scored_examples(answers, expected, band):
    result = score("barthel", answers)
    assert result.score == Decimal(expected)
    assert result.band == band
    assert result.corrected_score is None


@pytest.mark.django_db
def test_lawton_counts_one_point_per_autonomous_activity():
    assert score("lawton_iadl", LAWTON_ALL).score == 8
    # telephone c = 1 (answers but cannot dial), shopping b = 0, housekeeping d = 1, transport d = 0
    answers = {**LAWTON_ALL, "telephone": "c", "shopping": "b", "housekeeping": "d", "transport": "d"}
    result = score("lawton_iadl", answers)
    assert result.score == 6
    assert result.band == "Dipendenza lieve"
    everything_lost = {"telephone": "d", "shopping": "d", "food": "d", "housekeeping": "e", "laundry": "c",
                       "transport": "e", "medication": "c", "finances": "c"}
    assert score("lawton_iadl", everything_lost).score == 0


@pytest.mark.django_db
def test_lawton_corrected_score_for_activities_never_done():
    # Never cooked nor did laundry: 4 of the 6 applicable activities autonomous → 4 × 8 / 6 = 5.3
    answers = {**LAWTON_ALL, "food": "nd", "laundry": "nd", "shopping": "c", "medication": "b"}
    result = score("lawton_iadl", answers)
    assert result.score == 4
    assert result.applicable_items == 6
    assert result.corrected_score == Decimal("5.3")
    assert result.band == "Dipendenza moderata"


@pytest.mark.django_db
def test_lawton_historical_male_variant_scores_five_items():
    scale = Scale.objects.get(code="lawton_iadl_5")
    assert scale.variant_of.code == "lawton_iadl"
    answers = {"telephone": "a", "shopping": "a", "transport": "a", "medication": "a", "finances": "a"}
    assert score("lawton_iadl_5", answers).score == 5
    assert score("lawton_iadl_5", {**answers, "medication": "c", "finances": "c"}).score == 3


@pytest.mark.django_db
def test_social_scale_higher_means_more_need():
    answers = {"living": 2, "caregiver": 2, "burden": 0, "housing": 1, "economic": 1, "network": 2}
    result = score("social_support", answers)
    assert result.score == 8
    assert result.band == "Bisogno sociale elevato"
    assert score("social_support", {**answers, "living": 1}).band == "Bisogno sociale moderato"


@pytest.mark.django_db
@pytest.mark.parametrize(("answers", "field"), [
    ({**BARTHEL_ALL, "feeding": 15}, "feeding"),  # not one of 0/5/10
    ({**BARTHEL_ALL, "bathing": 10}, "bathing"),  # only 0/5
    ({**BARTHEL_ALL, "stairs": -5}, "stairs"),
    ({k: v for k, v in BARTHEL_ALL.items() if k != "toilet"}, "toilet"),  # missing
    ({**BARTHEL_ALL, "stairs": "nd"}, "stairs"),  # Barthel has no "never done"
    ({**BARTHEL_ALL, "singing": 5}, "singing"),  # unknown item
])
def test_out_of_range_answers_are_refused_with_the_item_named(answers, field):
    with pytest.raises(ValidationError) as error:
        score("barthel", answers)
    assert field in error.value.message_dict
