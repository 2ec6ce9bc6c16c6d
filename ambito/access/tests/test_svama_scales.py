"""Two SVAMA sections shipped as scales, scored like any other: cognition (SPMSQ, errors 0–10) and pressure-ulcer
risk (Exton-Smith, 5–20)."""

import pytest

from ambito.access.models import Scale
from ambito.access.scoring import score_answers


@pytest.mark.django_db
@pytest.mark.parametrize(("errors", "band"), [(0, "Lucido"), (3, "Lucido"), (4, "Confuso"), (7, "Confuso"),
                                              (8, "Molto confuso"), (10, "Molto confuso")])
def test_spmsq_counts_errors_into_the_svama_bands(errors, band):
    scale = Scale.objects.get(code="svama-spmsq")
    codes = [item.code for item in scale.items.order_by("order")]
    assert len(codes) == 10
    answers = {code: ("err" if i < errors else "ok") for i, code in enumerate(codes)}
    result = score_answers(scale, list(scale.items.all()), answers)
    assert result.score == errors and result.band == band


@pytest.mark.django_db
@pytest.mark.parametrize(("points", "band"), [(1, "Rischio elevato"), (4, "Rischio basso")])
def test_exton_smith_sums_five_areas(points, band):
    scale = Scale.objects.get(code="svama-exton-smith")
    result = score_answers(scale, list(scale.items.all()), {item.code: str(points) for item in scale.items.all()})
    assert result.score == 5 * points and result.band == band
