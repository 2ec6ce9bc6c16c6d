"""Pages of a list, the same way on every HTML list: ``paginate`` in the view, ``core/_pagination.html`` in
the template (its links keep every filter of the query string, only ``page`` changes). A list is never cut
silently: every row can be reached, page by page."""

from django.core.paginator import Page, Paginator

PER_PAGE = 50


def paginate(request, queryset, per_page: int = PER_PAGE) -> Page:
    """The page of ``queryset`` asked for by ``?page=`` (the first one when missing or not a number, the last
    one when past the end). Pass the queryset, not a list: the page costs a ``COUNT`` and one slice, whatever
    the number of rows. Its rows are read once, into ``page.object_list``."""
    page = Paginator(queryset, per_page).get_page(request.GET.get("page"))
    page.object_list = list(page.object_list)
    return page
