"""Demo community access desks (*welfare di accesso di comunità*, seed 004): a desk in the Casa di Comunità of
Monza and one in Brugherio's town hall, where the social worker and a GP receive people together, with requests
taken there from 2021 to today (most with the GP present: joint assessments)."""

import datetime
import random

from codicefiscale import codicefiscale
from django.utils import timezone

from ambito.access.models import Channel, CommunityDesk, DeskSession

DESKS = [
    ("monza", "sw.monza", "Sportello di comunità — Casa di Comunità di Monza", "Via Luigi Boccherini 3, Monza",
     [(1, "09:00", "12:30", True), (3, "14:00", "17:00", True)]),
    ("brugherio", "sw.brugherio", "Sportello di comunità — Municipio di Brugherio", "Piazza Cesare Battisti 1",
     [(2, "09:00", "12:00", True), (4, "09:00", "11:00", False)]),
]
NAMES = [("Giulia", "Ronchi", "F"), ("Piero", "Vergani", "M"), ("Lina", "Cazzaniga", "F"), ("Ugo", "Meregalli", "M"),
         ("Ada", "Brioschi", "F"), ("Elio", "Tremolada", "M"), ("Rita", "Villa", "F"), ("Gino", "Sironi", "M")]
NEEDS = ["Anziana sola con difficoltà nella cura della casa", "Caregiver stremato, chiede sollievo",
         "Dimissione recente, serve aiuto per i farmaci", "Problemi economici e bollette arretrate",
         "Isolamento sociale dopo un lutto", "Adattamento della casa dopo una caduta"]


def load(ctx) -> None:
    """Two desks with their opening sessions and staff, and about thirty requests taken there."""
    if CommunityDesk.objects.filter(ambito=ctx.ambito).exists():
        return
    from ambito.access.services import request_bring

    rng = random.Random(2021004)
    gp = ctx.users["gp"]
    now = timezone.now().replace(microsecond=0)
    first = datetime.datetime(2021, 3, 1, 10, tzinfo=now.tzinfo)
    taken = joint = 0
    for key, worker_name, name, place, sessions in DESKS:
        if key not in ctx.comuni:
            continue
        worker = ctx.users[worker_name]
        desk = CommunityDesk.objects.create(ambito=ctx.ambito, comune=ctx.comuni[key], name=name, place=place)
        desk.staff.add(worker, gp)
        for weekday, opens, closes, with_gp in sessions:
            DeskSession.objects.create(desk=desk, weekday=weekday, opens_at=opens, closes_at=closes, with_gp=with_gp)
        for n in range(15):
            first_name, last_name, sex = NAMES[(n + len(key)) % len(NAMES)]
            last_name = f"{last_name}{'abcdefghijklmnop'[n]}"
            birth = datetime.date(1930 + rng.randint(0, 30), rng.randint(1, 12), rng.randint(1, 28))
            at = first + (now - first) * (n + rng.random()) / 15
            present = gp if rng.random() < 0.7 else None
            request_bring(
                actor=worker, channel=Channel.COMMUNITY_DESK, desk=desk, desk_gp=present, at=min(at, now),
                person={"fiscal_code": codicefiscale.encode(lastname=last_name, firstname=first_name, gender=sex,
                                                            birthdate=birth.strftime("%d/%m/%Y"), birthplace="Monza"),
                        "first_name": first_name, "last_name": last_name, "birth_date": birth, "sex": sex,
                        "residence_comune": ctx.comuni[key]},
                need=rng.choice(NEEDS), area="anziani", consents=["information_notice", "care_processing"])
            taken += 1
            joint += present is not None
    ctx.say(f"community access desks: {taken} requests, {joint} with a GP present\n")
