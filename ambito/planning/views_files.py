"""Pages of the plan's signed documents and meeting minutes: upload (the planning office) and download (whoever
may read the plan), through an access-checked view reading the private storage. Thin: a form, one service."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from ambito.core.forms import StyledFormMixin, call_service, form_error_texts
from ambito.core.tabular import download_response
from ambito.core.uploads import PDF, UploadValidator
from ambito.planning import services_files
from ambito.planning.models import Meeting, PlanFileKind
from ambito.planning.selectors import plan_list
from ambito.planning.selectors_files import plan_file_get


class PlanFileForm(StyledFormMixin, forms.Form):
    kind = forms.ChoiceField(label=_("Document"), choices=PlanFileKind.choices, widget=forms.HiddenInput)
    meeting = forms.IntegerField(required=False, widget=forms.HiddenInput)
    title = forms.CharField(label=_("Title"), max_length=200, required=False)
    file = forms.FileField(label=_("PDF file"), validators=[UploadValidator(PDF)])


@login_required
@require_POST
def plan_file_upload(request, pk):
    plan = get_object_or_404(plan_list(actor=request.user), pk=pk)
    form = PlanFileForm(request.POST, request.FILES)
    back = "planning-agreement" if request.POST.get("kind") == PlanFileKind.AGREEMENT else "planning-coprogramming"
    if form.is_valid():
        data = form.cleaned_data
        meeting = Meeting.objects.filter(pk=data["meeting"], table__plan=plan).first() if data["meeting"] else None
        call_service(request, lambda: services_files.plan_file_upload(
            actor=request.user, plan=plan, kind=data["kind"], upload=data["file"], title=data["title"],
            meeting=meeting), success=_("Document stored."), show_denied=True)
    else:
        for text in form_error_texts(form) or [_("Choose a PDF file.")]:
            messages.error(request, text)
    return redirect(back, plan.pk)


@login_required
def plan_file_download(request, pk):
    stored = plan_file_get(actor=request.user, pk=pk)
    if stored is None:
        raise Http404
    return download_response(stored.file.open("rb"), filename=stored.original_name, content_type="application/pdf")
