import pytest
from django.core.management import CommandError, call_command

from ambito.accounts.models import Membership
from ambito.territory.models import PopulationRecord


def test_it_refuses_to_publish_demo_passwords_without_debug(db, settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG"):
        call_command("load_demo")


def test_it_is_idempotent(db, settings, capsys):
    settings.DEBUG = True
    call_command("load_demo")
    counts = (PopulationRecord.objects.count(), Membership.objects.count())
    call_command("load_demo")
    assert (PopulationRecord.objects.count(), Membership.objects.count()) == counts
    assert "ambito-demo-2026" in capsys.readouterr().out
