"""Per synthetic Ambito: its Comuni as organisations, an Ufficio di Piano, a health district and ETS."""

from ambito.accounts.models import Organisation, OrganisationKind

ETS_PER_AMBITO = 8


def seed(gen):
    comuni = gen.state["comuni"]
    ambito_ids = gen.state["ambito_ids"]
    per_ambito = 3 + ETS_PER_AMBITO
    ids = iter(gen.reserve_ids(Organisation, len(comuni) + len(ambito_ids) * per_ambito))
    rows, by_ambito, comune_org = [], {a: {"comuni": [], "ets": []} for a in ambito_ids}, {}
    for comune_id, ambito_id, _ in comuni:
        pk = next(ids)
        rows.append((pk, f"Comune {comune_id}", OrganisationKind.COMUNE, ambito_id, comune_id, "", True))
        by_ambito[ambito_id]["comuni"].append(pk)
        comune_org[comune_id] = pk
    for ambito_id in ambito_ids:
        for key, kind, name in [("udp", OrganisationKind.PLANNING_OFFICE, "Ufficio di Piano"),
                                ("health", OrganisationKind.HEALTH_AUTHORITY, "ASST"),
                                ("district", OrganisationKind.HEALTH_DISTRICT, "Distretto")]:
            pk = next(ids)
            rows.append((pk, f"{name} {ambito_id}", kind, ambito_id, None, "", True))
            by_ambito[ambito_id][key] = pk
        for n in range(ETS_PER_AMBITO):
            pk = next(ids)
            rows.append((pk, f"Cooperativa sociale {ambito_id}-{n + 1}", OrganisationKind.ETS, ambito_id, None, "", True))
            by_ambito[ambito_id]["ets"].append(pk)
    gen.load(Organisation, ["id", "name", "kind", "ambito_id", "comune_id", "region_code", "active"], rows)
    gen.state["organisations"] = by_ambito
    gen.state["comune_org"] = comune_org
