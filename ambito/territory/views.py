from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils.translation import gettext as _

from ambito.accounts.selectors import scope_for
from ambito.core.charts import chart
from ambito.territory.selectors import (
    age_structure,
    comune_list_with_indicators,
    indicators_of,
    needs_indicators,
    population_years,
)


@login_required
def territory_overview(request):
    """Population and needs indicators of the Comuni the user works for (*analisi dei bisogni*)."""
    comune_ids = scope_for(request.user).comune_ids()
    years = population_years(comune_ids=comune_ids)
    try:
        year = int(request.GET.get("anno") or (years[0] if years else 0))
    except ValueError:
        year = years[0] if years else 0
    if years and year not in years:
        year = years[0]
    comuni = list(comune_list_with_indicators(comune_ids=comune_ids, year=year)) if years else []
    rows = [{"comune": comune, "ind": indicators_of(comune)} for comune in comuni]
    context = {
        "years": years,
        "year": year,
        "rows": rows,
        "total": needs_indicators(comune_ids=comune_ids, year=year) if years else None,
    }
    pyramid = age_structure(comune_ids=comune_ids, year=year) if years else []
    context["pyramid"] = pyramid
    context["pyramid_chart"] = chart(
        kind="bar",
        labels=[band["label"] for band in pyramid],
        series={_("Males"): [band["M"] for band in pyramid], _("Females"): [band["F"] for band in pyramid]},
    )
    template = "territory/overview.html#indicators" if request.htmx else "territory/overview.html"
    return render(request, template, context)
