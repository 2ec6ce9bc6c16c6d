"""Demo privacy requests: one access request (art. 15) received a few days ago from a person of Monza,
waiting for the DPO."""

import datetime

from django.utils import timezone

from ambito.access.models import Person
from ambito.privacy import services
from ambito.privacy.models import PrivacyRequest, PrivacyRequestKind


def load(ctx):
    if PrivacyRequest.objects.filter(ambito=ctx.ambito).exists():
        return
    person = (Person.objects.filter(ambito=ctx.ambito, residence_comune=ctx.comuni["monza"], restricted_at__isnull=True)
              .order_by("id").first())
    if person is None:  # the access demo was not loaded
        return
    services.privacy_request_create(
        actor=ctx.users["dpo"], person=person, kind=PrivacyRequestKind.ACCESS,
        received_at=timezone.now() - datetime.timedelta(days=4),
        notes="Richiesta via PEC: copia di tutti i dati trattati e dei destinatari.")
    ctx.say(f"1 privacy request (access, art. 15) for {person.pseudonym}\n")
