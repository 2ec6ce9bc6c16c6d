"""Property tests (Hypothesis) of the PUA's parsers: the codice fiscale check and the scoring of the scales
(Barthel, Lawton IADL and its 5-item variant, social and household support) as defined in the database."""

import datetime
import string
from decimal import Decimal

import pytest
from codicefiscale import codicefiscale
from django.core.exceptions import ValidationError
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from ambito.access.models import Scale
from ambito.access.scoring import score_answers
from ambito.access.services import fiscal_code_check

BOUNDED = settings(max_examples=60, deadline=None, derandomize=True, database=None,
                   suppress_health_check=[HealthCheck.too_slow])
# Birthplaces python-codicefiscale resolves (Comuni and one foreign State).
BIRTHPLACES = ["Monza", "Milano", "Brugherio", "Villasanta", "Roma", "Napoli", "Palermo", "Bolzano", "Aosta",
               "Francia"]
NAMES = st.text(alphabet=string.ascii_letters + "ÀÈÉÌÒÙàèéìòù' ", min_size=1, max_size=20).filter(
    lambda s: any(c.isalpha() for c in s))
# 16 characters in the shape of a codice fiscale, omocodia digits included: reach the checks past the format.
SHAPED = st.from_regex(r"\A[A-Z]{6}[0-9L-V]{2}[ABCDEHLMPRST][0-9L-V]{2}[A-Z][0-9L-V]{3}[A-Z]\Z")


@st.composite
def people(draw):
    return {
        "lastname": draw(NAMES), "firstname": draw(NAMES), "gender": draw(st.sampled_from("MF")),
        "birthdate": draw(st.dates(datetime.date(1900, 1, 1), datetime.date(2025, 12, 31))),
        "birthplace": draw(st.sampled_from(BIRTHPLACES)),
    }


def _encode(person):
    return codicefiscale.encode(**{**person, "birthdate": person["birthdate"].strftime("%d/%m/%Y")})


@BOUNDED
@given(person=people())
def test_every_code_python_codicefiscale_encodes_is_accepted_and_round_trips(person):
    code = _encode(person)
    check = fiscal_code_check(fiscal_code=code, birth_date=person["birthdate"], sex=person["gender"])
    assert check.code == code and check.birthplace_resolved
    decoded = codicefiscale.decode(check.code)
    assert decoded["gender"] == person["gender"]
    birth = decoded["birthdate"].date()
    assert (birth.year % 100, birth.month, birth.day) == (person["birthdate"].year % 100, person["birthdate"].month,
                                                         person["birthdate"].day)


@BOUNDED
@given(person=people(), pad=st.sampled_from(["", " ", "\t", "  \n"]), lower=st.booleans())
def test_case_and_surrounding_spaces_normalise_idempotently(person, pad, lower):
    code = _encode(person)
    typed = pad + (code.lower() if lower else code) + pad
    once = fiscal_code_check(fiscal_code=typed, birth_date=None, sex=None)
    assert once.code == code
    assert fiscal_code_check(fiscal_code=once.code, birth_date=None, sex=None) == once


@BOUNDED
@given(person=people(), other=st.dates(datetime.date(1900, 1, 1), datetime.date(2025, 12, 31)))
def test_a_birth_date_or_sex_the_code_does_not_encode_is_refused(person, other):
    code = _encode(person)
    if (other.year % 100, other.month, other.day) != (person["birthdate"].year % 100, person["birthdate"].month,
                                                      person["birthdate"].day):
        with pytest.raises(ValidationError) as refused:
            fiscal_code_check(fiscal_code=code, birth_date=other, sex=None)
        assert "birth_date" in refused.value.message_dict
    with pytest.raises(ValidationError) as refused:
        fiscal_code_check(fiscal_code=code, birth_date=None, sex="F" if person["gender"] == "M" else "M")
    assert "sex" in refused.value.message_dict


def _assert_valid_or_refused(text):
    try:
        check = fiscal_code_check(fiscal_code=text, birth_date=None, sex=None)
    except ValidationError as refused:
        assert refused.message_dict["fiscal_code"]
        return
    # Accepted: then it is a well-formed code with the right check character.
    assert check.code == text.strip().upper() and len(check.code) == 16
    assert codicefiscale.encode_cin(check.code) == check.code[-1]


@settings(BOUNDED, max_examples=150)
@given(text=st.text(max_size=24) | st.text(alphabet=string.ascii_letters + string.digits, min_size=15,
                                                 max_size=17))
def test_any_string_is_a_valid_code_or_a_validation_error(text):
    _assert_valid_or_refused(text)


@settings(BOUNDED, max_examples=150)
@given(text=SHAPED)
def test_any_code_shaped_string_is_a_valid_code_or_a_validation_error(text):
    _assert_valid_or_refused(text)


# --- Scales --------------------------------------------------------------------------------------------------


@pytest.fixture
def scales(db):
    return [(scale, list(scale.items.all())) for scale in Scale.objects.filter(active=True).prefetch_related("items")]


def _applicable(option):
    return option["points"] is not None


@st.composite
def valid_answers(draw, scale, items):
    answers = {}
    for item in items:
        options = [o for o in item.options if _applicable(o) or scale.allows_not_applicable]
        answers[item.code] = str(draw(st.sampled_from(options))["value"])
    applicable = [i for i in items if _applicable(next(o for o in i.options if str(o["value"]) == answers[i.code]))]
    assume(applicable)
    return answers


def _points(item, value):
    return next(o["points"] for o in item.options if str(o["value"]) == value)


def test_every_active_scale_is_covered(scales):
    assert {scale.code for scale, _ in scales} >= {"barthel", "lawton_iadl", "lawton_iadl_5", "social_support"}


def test_scores_stay_within_the_scale_and_its_bands(scales):
    for scale, items in scales:
        labels = {band["label"] for band in scale.bands}

        @BOUNDED
        @given(answers=valid_answers(scale, items))
        def check(answers):
            result = score_answers(scale, items, answers)
            assert scale.min_score <= result.score <= scale.max_score
            assert result.max_score == scale.max_score
            assert result.applicable_items == sum(_points(i, answers[i.code]) is not None for i in items)
            assert result.score == sum(Decimal(str(_points(i, answers[i.code]) or 0)) for i in items)
            if result.corrected_score is not None:
                assert result.applicable_items < len(items)
                assert scale.min_score <= result.corrected_score <= scale.max_score
            assert result.band in labels

        check()


def test_a_better_answer_never_lowers_the_score(scales):
    """The points add up item by item: raising one item's points raises (or keeps) the raw and the corrected
    score, whatever the scale's direction."""
    for scale, items in scales:

        @BOUNDED
        @given(answers=valid_answers(scale, items), data=st.data())
        def check(answers, data):
            item = data.draw(st.sampled_from(items))
            current = _points(item, answers[item.code])
            assume(current is not None)
            better = [o for o in item.options if _applicable(o) and o["points"] >= current]
            raised = {**answers, item.code: str(data.draw(st.sampled_from(better))["value"])}
            before, after = score_answers(scale, items, answers), score_answers(scale, items, raised)
            assert after.score >= before.score
            assert after.banded_score >= before.banded_score

        check()


def test_invalid_answers_are_refused_naming_the_item(scales):
    for scale, items in scales:

        @BOUNDED
        @given(answers=valid_answers(scale, items), data=st.data())
        def check(answers, data):
            item = data.draw(st.sampled_from(items))
            allowed = {str(o["value"]) for o in item.options}
            kind = data.draw(st.sampled_from(["wrong", "missing", "unknown", "blank"]))
            broken = dict(answers)
            if kind == "wrong":
                broken[item.code] = data.draw(st.one_of(
                    st.text(max_size=5), st.integers(-1000, 1000), st.floats(allow_nan=False), st.booleans(),
                    st.lists(st.integers(), max_size=2)).filter(lambda v: str(v) not in allowed))
                name = item.code
            elif kind == "missing":
                del broken[item.code]
                name = item.code
            elif kind == "blank":
                broken[item.code] = data.draw(st.sampled_from([None, ""]))
                name = item.code
            else:
                name = data.draw(st.text(min_size=1, max_size=12).filter(lambda k: k not in answers))
                broken[name] = "0"
            with pytest.raises(ValidationError) as refused:
                score_answers(scale, items, broken)
            assert name in refused.value.message_dict

        check()


@settings(BOUNDED, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(answers=st.one_of(st.none(), st.text(), st.integers(), st.lists(st.text()),
                         st.dictionaries(st.text(max_size=10), st.text(max_size=3), max_size=4)))
def test_arbitrary_answers_are_scored_or_refused(scales, answers):
    for scale, items in scales:
        try:
            result = score_answers(scale, items, answers)
        except ValidationError:
            continue
        assert scale.min_score <= result.score <= scale.max_score
