"""A Piano di Zona per synthetic Ambito: one intervention per catalogue service, budget lines per year by
funding source (Comuni's own funds split by Comune), about €32 per resident a year, and staffing."""

from decimal import Decimal

from ambito.network.taxonomy import ServiceType
from ambito.planning.models import BudgetLine, Intervention, Plan, StaffPosition

SOURCES = [("fnps", Decimal("0.18")), ("fna", Decimal("0.12")), ("poverty", Decimal("0.10")),
           ("regional", Decimal("0.15")), ("health", Decimal("0.10"))]  # the rest: Comuni's own funds
PER_RESIDENT = Decimal("32")


def seed(gen):
    rng, scale = gen.rng, gen.scale
    years = scale.years_list
    start_year = years[0]
    plan_ids = iter(gen.reserve_ids(Plan, len(gen.state["ambito_ids"])))
    comuni_by_ambito: dict[int, list] = {}
    for comune_id, ambito_id, residents in gen.state["comuni"]:
        comuni_by_ambito.setdefault(ambito_id, []).append((comune_id, residents))
    plan_rows, intervention_rows, line_rows, staff_rows = [], [], [], []
    services = gen.state["services"]
    per_plan = len({key[1] for key in services})
    intervention_ids = iter(gen.reserve_ids(Intervention, per_plan * len(gen.state["ambito_ids"])))
    for ambito_id in gen.state["ambito_ids"]:
        plan_id = next(plan_ids)
        plan_rows.append((plan_id, 1, ambito_id, f"Piano di Zona {start_year}–{start_year + 2}", start_year,
                          start_year + 2, "in_force"))
        comuni = comuni_by_ambito[ambito_id]
        residents = sum(r for _, r in comuni)
        ambito_services = sorted((key[1], pk) for key, pk in services.items() if key[0] == ambito_id)
        weights = [rng.uniform(0.5, 2.0) for _ in ambito_services]
        for number, ((service_type, service_id), weight) in enumerate(zip(ambito_services, weights, strict=True)):
            pk = next(intervention_ids)
            intervention_rows.append((pk, 1, plan_id, f"I{number + 1:02d}", service_type.replace("_", " ").title(),
                                      "anziani", service_type, service_id, rng.randint(0, 100)))
            for year in years:
                total = (PER_RESIDENT * residents * Decimal(weight / sum(weights))).quantize(Decimal("0.01"))
                own = total
                for source, share in SOURCES:
                    amount = (total * share).quantize(Decimal("0.01"))
                    own -= amount
                    line_rows.append((pk, year, source, None, amount))
                for comune_id, comune_residents in comuni:
                    amount = (own * comune_residents / residents).quantize(Decimal("0.01"))
                    line_rows.append((pk, year, "comune", comune_id, amount))
            if service_type in (ServiceType.PUA, ServiceType.SAD, ServiceType.SOCIAL_EMERGENCY):
                fte = Decimal(residents) / Decimal(5000) / 3
                staff_rows.append((pk, "social_worker", fte.quantize(Decimal("0.1")),
                                   gen.state["organisations"][ambito_id]["comuni"][0], True))
    gen.load(Plan, ["id", "version", "ambito_id", "title", "start_year", "end_year", "state"], plan_rows)
    gen.load(Intervention, ["id", "version", "plan_id", "code", "title", "area", "service_type", "service_id",
                            "progress"], intervention_rows)
    line_ids = gen.reserve_ids(BudgetLine, len(line_rows))
    gen.load(BudgetLine, ["id", "intervention_id", "year", "source", "comune_id", "amount"],
             ((i, *row) for i, row in zip(line_ids, line_rows, strict=True)))
    staff_ids = gen.reserve_ids(StaffPosition, len(staff_rows))
    gen.load(StaffPosition, ["id", "intervention_id", "profile", "fte", "employer_id", "permanent"],
             ((i, *row) for i, row in zip(staff_ids, staff_rows, strict=True)))
