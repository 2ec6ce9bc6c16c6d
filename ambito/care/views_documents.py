"""Documents the PUA hands out: the PAI to sign (*PAI da firmare*), as PDF laid out by ``core.pdf``."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.utils import timezone

from ambito.accounts.models import AccessAction
from ambito.accounts.services import access_log_record
from ambito.care import rules, selectors


@login_required
def care_plan_pdf(request, pk):
    """The PAI as a document to sign with the person or family (the *patto*): goals, interventions, who pays,
    the case manager, and the signature lines. The case team prints it; every print is in the access log."""
    from ambito.core.pdf import render_pdf

    plan = selectors.care_plan_get(actor=request.user, pk=pk)
    if not rules.can_edit_care_plan(request.user, plan):
        raise PermissionDenied
    access_log_record(actor=request.user, record=plan, action=AccessAction.EXPORT, purpose="PAI to sign (PDF)")
    pdf = render_pdf("care/plan_to_sign_pdf.html", {
        "plan": plan, "person": plan.person, "goals": list(plan.goals.all()),
        "interventions": list(plan.interventions.all()), "today": timezone.localdate()})
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="pai-{plan.pk}-v{plan.revision}.pdf"'
    return response
