"""The doors of the PUA (*porte di accesso*): a GP, a hospital discharge team, a Third-Sector operator, an
info-point or a community access desk bring a request from their own page and follow what they brought; the
community desks with their figures; the outcome letter of a request as PDF."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from ambito.access import rules as access_rules
from ambito.access import selectors, services
from ambito.access.forms_doors import BringForm
from ambito.access.models import Channel, RequestStatus
from ambito.accounts.models import AccessAction
from ambito.accounts.selectors import comune_list
from ambito.accounts.services import access_log_record, access_log_records
from ambito.core.concurrency import CONFLICT_MESSAGE
from ambito.core.forms import add_service_errors
from ambito.core.pagination import paginate
from ambito.core.text import plain_int


def _door(request):
    """The door of this page: an info-point, a community desk, or one of the user's own channels."""
    info_point = desk = None
    if (info_point_id := plain_int(request.GET.get("info_point"))) is not None:
        from ambito.network.models import Service

        info_point = Service.objects.filter(pk=info_point_id, service_type="info_point").first()
        if info_point is None:
            raise Http404
        return Channel.INFO_POINT, info_point, None
    if (desk_id := plain_int(request.GET.get("sportello"))) is not None:
        desk = services.desks_staffed(request.user).filter(pk=desk_id).first()
        if desk is None:
            raise Http404
        return Channel.COMMUNITY_DESK, None, desk
    doors = services.doors_for(request.user)
    wanted = request.GET.get("porta", "")
    channel = wanted if wanted in doors and wanted != Channel.COMMUNITY_DESK else next(
        (d for d in doors if d != Channel.COMMUNITY_DESK), None)
    if channel is None:
        raise PermissionDenied
    return channel, None, None


def bring_from_form(request, form, channel, **door):
    """Send the request of a valid ``BringForm`` through ``channel``; a refusal lands on the form. Returns the
    request (None if refused) and the HTTP status: 200, 400 refused, 409 a request sent twice at once."""
    data = form.cleaned_data
    try:
        return services.request_bring(
            actor=request.user, channel=channel, person=form.person_fields(), need=data["need"], area=data["area"],
            urgency=data["urgency"], consents=data["consents"], confirm_birthplace=data["confirm_birthplace"],
            **door), 200
    except ValidationError as error:
        add_service_errors(form, error)
        return None, 400
    except IntegrityError:
        form.add_error(None, CONFLICT_MESSAGE)
        return None, 409


@login_required
def bring(request):
    """Bring a request through the user's door, in one form: the person (by codice fiscale), the consents
    collected, the need. The bringer then follows it from "My requests"."""
    channel, info_point, desk = _door(request)
    comuni = comune_list(actor=request.user).order_by("name")
    gps = services.desk_gps(desk) if desk is not None else None
    form = BringForm(request.POST or None, comuni=comuni, desk_gps=gps, info_point=info_point is not None,
                     initial={"residence_comune": desk.comune_id} if desk else None)
    status = 200
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        created, status = bring_from_form(request, form, channel, desk=desk, desk_gp=data.get("desk_gp"),
                                          info_point=info_point,
                                          contact_channel=data.get("contact_channel") or "in_person")
        if created is not None:
            messages.success(request, _("Request #%(pk)s sent to the PUA of %(comune)s.") % {
                "pk": created.pk, "comune": created.comune.name})
            return redirect("access-my-requests")
    return render(request, "access/bring.html", {
        "form": form, "channel": Channel(channel), "info_point": info_point, "desk": desk,
        "doors": [Channel(d) for d in services.doors_for(request.user) if d != Channel.COMMUNITY_DESK],
        "desks": services.desks_staffed(request.user)}, status=status)


@login_required
def my_requests(request):
    """What the user brought (*le mie domande*), with status and outcome: the GP follows its patients' requests
    here, the hospital team its discharges, the ETS its reports."""
    doors = services.doors_for(request.user)
    if not doors:
        raise PermissionDenied
    page = paginate(request, selectors.requests_brought(actor=request.user))
    access_log_records(actor=request.user, records=list(page.object_list), action=AccessAction.LIST,
                       purpose="requests brought")
    return render(request, "access/my_requests.html", {"page": page, "rows": page.object_list,
                                                       "done": {s.value for s in (RequestStatus.CARE_PLAN,
                                                                                  RequestStatus.REFERRED,
                                                                                  RequestStatus.INFORMATION,
                                                                                  RequestStatus.CLOSED)},
                                                       "desks": services.desks_staffed(request.user)})


@login_required
def desks(request):
    """The community access desks of the user's Ambito, their opening sessions and their figures."""
    scope = access_rules.scope_for(request.user)
    if not scope.has(*access_rules.LIST_ROLES, access_rules.Role.GP):
        raise PermissionDenied
    year = plain_int(request.GET.get("anno")) or timezone.localdate().year
    rows = selectors.desk_figures(actor=request.user, year=year)
    return render(request, "access/desks.html", {"rows": rows, "year": year,
                                                 "mine": {d.pk for d in services.desks_staffed(request.user)}})


@login_required
def outcome_letter(request, pk):
    """The outcome letter of a request (*lettera di esito*) as PDF, for the PUA to hand out or send."""
    from ambito.core.pdf import render_pdf

    item = selectors.request_get(actor=request.user, pk=pk)
    if item is None:
        raise Http404
    if not access_rules.can_work_on_request(request.user, item):
        raise PermissionDenied
    if item.outcome_at is None:
        messages.error(request, _("The request has no outcome yet: the letter is written once it has one."))
        return redirect("access-request", pk=item.pk)
    access_log_record(actor=request.user, record=item, action=AccessAction.EXPORT, purpose="outcome letter (PDF)")
    pdf = render_pdf("access/outcome_letter_pdf.html", {
        "item": item, "person": item.person, "today": timezone.localdate(),
        "signer": request.user.get_full_name() or request.user.get_username()})
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="esito-domanda-{item.pk}.pdf"'
    return response

