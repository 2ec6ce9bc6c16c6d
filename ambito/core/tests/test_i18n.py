from pathlib import Path

import polib
import pytest
from django.utils import translation

APPS_DIR = Path(__file__).resolve().parents[2]
CATALOGUES = sorted(APPS_DIR.glob("*/locale/it/LC_MESSAGES/django.po"))


def test_every_app_with_strings_has_italian_and_english_catalogues():
    assert CATALOGUES, "no Italian catalogue found"
    for italian in CATALOGUES:
        english = italian.parents[2] / "en" / "LC_MESSAGES" / "django.po"
        assert english.exists(), f"{english} is missing"


@pytest.mark.parametrize("path", CATALOGUES, ids=lambda p: p.parents[3].name)
def test_every_string_has_an_italian_translation(path):
    untranslated = [e.msgid for e in polib.pofile(str(path)) if not e.translated() or "fuzzy" in e.flags]
    assert untranslated == []


def test_italian_is_the_default_language(settings):
    assert settings.LANGUAGE_CODE == "it"
    with translation.override("it"):
        assert translation.gettext("Sign in") == "Accedi"
    with translation.override("en"):
        assert translation.gettext("Sign in") == "Sign in"
