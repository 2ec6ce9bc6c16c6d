"""Demo organisations and one account per role (fictional people)."""

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password

from ambito.accounts.models import Membership, Organisation, OrganisationKind
from ambito.accounts.roles import Role
from ambito.core.demo import DEMO_PASSWORD

ETS = [
    ("coop_ponte", "Cooperativa Sociale Il Ponte"),
    ("odv_oncologia", "Associazione Insieme contro il Cancro ODV"),
    ("fondazione_casa", "Fondazione Casa Amica"),
    ("aps_giovani", "APS Giovani in Rete"),
    ("coop_spazio", "Cooperativa Sociale Spazio Aperto"),
]

PEOPLE = [
    # username, first, last, role, organisation key, what to try
    ("planner", "Giulia", "Bianchi", Role.PLANNER, "udp", "Piano di Zona, budget, territory."),
    ("sw.monza", "Marco", "Ferrari", Role.SOCIAL_WORKER, "comune_monza", "PUA intake and cases of Monza."),
    ("sw.brugherio", "Sara", "Colombo", Role.SOCIAL_WORKER, "comune_brugherio", "Cases of Brugherio only."),
    ("asl.operator", "Paolo", "Ricci", Role.HEALTH_OPERATOR, "district", "Health side of the district, ADI."),
    ("gp", "Dott.ssa Anna", "Galli", Role.GP, "asst", "Sends requests, sees their outcome."),
    ("ets.operator", "Luca", "Moretti", Role.PROVIDER_OPERATOR, "coop_ponte", "Referrals to the cooperative."),
    ("observer", "Elena", "Conti", Role.REGIONAL_OBSERVER, "region", "Aggregates and reports only."),
    ("admin", "Admin", "Ambito", Role.ADMINISTRATOR, "udp",
     "Accounts, organisations and reference data at /admin/ (no person data)."),
    ("dpo", "Francesca", "Marino", Role.DATA_PROTECTION_OFFICER, "udp",
     "Who accessed a record, GDPR requests, record of processing."),
    ("siuss.monza", "Chiara", "Russo", Role.SIUSS_OFFICER, "comune_monza",
     "SIUSS officer of Monza: pre-flight report and INPS files (PS-PSA, SINA, SINBA)."),
]


def _org(ctx, key, **fields):
    name = fields.pop("name")
    org, _ = Organisation.objects.get_or_create(name=name, ambito=fields.pop("ambito", ctx.ambito), defaults=fields)
    ctx.organisations[key] = org
    return org


def load(ctx):
    for key in ("monza", "brugherio", "villasanta"):
        comune = ctx.comuni[key]
        _org(ctx, f"comune_{key}", name=f"Comune di {comune.name}", kind=OrganisationKind.COMUNE, comune=comune,
             email=f"servizisociali@comune.{key}.example")
    _org(ctx, "udp", name="Ufficio di Piano dell'Ambito di Monza", kind=OrganisationKind.PLANNING_OFFICE,
         email="ufficiodipiano@comune.monza.example")
    _org(ctx, "ats", name="ATS Brianza", kind=OrganisationKind.HEALTH_AUTHORITY)
    asst = _org(ctx, "asst", name="ASST Monza", kind=OrganisationKind.HEALTH_AUTHORITY, parent=ctx.organisations["ats"])
    district = _org(ctx, "district", name="Distretto di Monza (ASST Monza)", kind=OrganisationKind.HEALTH_DISTRICT,
                    parent=asst)
    district.comuni_served.set(ctx.comuni.values())
    for key, name in ETS:
        _org(ctx, key, name=name, kind=OrganisationKind.ETS)
    _org(ctx, "region", name="Regione Lombardia", kind=OrganisationKind.REGION, region_code="03", ambito=None)
    _org(ctx, "province", name="Provincia di Monza e della Brianza", kind=OrganisationKind.OTHER)

    User = get_user_model()
    password = make_password(DEMO_PASSWORD)  # one hash for every demo account: hashing is slow by design
    for username, first, last, role, org_key, hint in PEOPLE:
        user, created = User.objects.get_or_create(
            username=username,
            defaults={"first_name": first, "last_name": last, "email": f"{username}@demo.example"},
        )
        # The administrator is staff (it uses the Django admin for accounts and reference data) but never a
        # superuser: superusers are for emergencies only (manage.py emergency_superuser). Set on every load,
        # so a demo database made when the demo administrator was a superuser is brought into line.
        user.is_staff, user.is_superuser = role == Role.ADMINISTRATOR, False
        if created:
            user.password = password
        user.save(update_fields=["password", "is_staff", "is_superuser"] if created else ["is_staff", "is_superuser"])
        Membership.objects.get_or_create(user=user, organisation=ctx.organisations[org_key], role=role)
        ctx.users[username] = user
        ctx.accounts.append((username, str(role.label), ctx.organisations[org_key].name, hint))
    citizen, created = User.objects.get_or_create(
        username="citizen", defaults={"first_name": "Carla", "last_name": "Verdi", "email": "citizen@demo.example"}
    )
    if created:
        citizen.password = password
        citizen.save(update_fields=["password"])
    ctx.users["citizen"] = citizen
    ctx.accounts.append(("citizen", "Citizen", "no organisation", "Public directory, consultation, feedback."))
