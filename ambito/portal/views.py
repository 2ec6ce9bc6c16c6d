from django.http import Http404
from django.shortcuts import render

from ambito.core.pagination import paginate
from ambito.network.models import Service, Weekday
from ambito.network.selectors import DirectoryFilters, directory_search, service_public_detail
from ambito.network.taxonomy import TargetGroup
from ambito.portal.forms import DirectoryForm

PAGE_SIZE = 20
LANGUAGE_NAMES = {"it": "italiano", "en": "English", "fr": "français", "es": "español", "ar": "العربية",
                  "uk": "українська", "de": "Deutsch", "zh": "中文", "ro": "română", "sq": "shqip"}


def directory(request):
    """The public service directory (*guida ai servizi*): search and filters in the query string; works
    without JavaScript, HTMX swaps only the results."""
    form = DirectoryForm(request.GET or None)
    filters = form.filters() if form.is_bound else DirectoryFilters()
    page = paginate(request, directory_search(filters=filters), PAGE_SIZE)
    context = {"form": form, "page": page, "filters": filters}
    template = "portal/directory.html#results" if request.htmx else "portal/directory.html"
    return render(request, template, context)


def service_detail(request, pk):
    try:
        service = service_public_detail(pk=pk)
    except Service.DoesNotExist:
        raise Http404 from None
    hours = []
    for day in Weekday:
        slots = [s for s in service.schedules.all() if s.weekday == day]
        if slots:
            hours.append({"day": day.label, "slots": slots})
    targets = dict(TargetGroup.choices)
    context = {
        "service": service,
        "hours": hours,
        "target_groups": [targets.get(code, code) for code in service.target_groups],
        "languages": [LANGUAGE_NAMES.get(code, code) for code in service.languages],
    }
    return render(request, "portal/service_detail.html", context)
