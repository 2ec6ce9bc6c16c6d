"""Account security page and the two-factor steps: enrolment (QR + code), the recovery codes (shown once), the
code after the password, turning it off. Thin views over ``ambito.accounts.twofactor``."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from ambito.accounts import twofactor
from ambito.core.forms import StyledFormMixin, add_service_errors


class CodeForm(StyledFormMixin, forms.Form):
    code = forms.CharField(
        label=_("Code from the authenticator app"), max_length=10,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}),
    )


class VerifyForm(CodeForm):
    code = forms.CharField(
        label=_("Code from the authenticator app, or a recovery code"), max_length=24,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "autofocus": True}),
    )


RECOVERY_SESSION_KEY = "ambito_2fa_recovery_codes"


def _show_recovery_codes(request, codes, next_url=""):
    """Keep the new codes in the session for the one page that shows them (and removes them)."""
    request.session[RECOVERY_SESSION_KEY] = codes
    target = reverse("account-2fa-recovery")
    return redirect(f"{target}?{urlencode({'next': next_url})}" if next_url else target)


def _next_url(request) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, {request.get_host()}, require_https=request.is_secure()):
        return target
    return "/"


@login_required
def account_security(request):
    return render(request, "accounts/security.html", {
        "staff": twofactor.is_staff_user(request.user),
        "device": twofactor.confirmed_device(request.user),
        "required": twofactor.required_for(request.user),
        "pending": twofactor.pending_step(request),
        "disable_form": CodeForm(),
        "recovery_left": twofactor.recovery_codes_left(request.user),
    })


@login_required
def twofactor_enrol(request):
    if not twofactor.is_staff_user(request.user):
        raise PermissionDenied
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            twofactor.enrolment_confirm(request, form.cleaned_data["code"])
        except ValidationError as exc:
            add_service_errors(form, exc)
        except PermissionDenied:
            return redirect("login")  # locked: axes' middleware answers with the lockout page
        else:
            messages.success(request, _("Two-factor sign-in is on: from now on you will be asked for a code."))
            codes = twofactor.recovery_codes_generate(request.user)
            return _show_recovery_codes(request, codes, _next_url(request) if request.GET.get("next") else "")
    device = twofactor.enrolment_device(request.user)
    return render(request, "accounts/twofactor_enrol.html", {
        "form": form, "qr": twofactor.qr_data_uri(device), "secret": twofactor.secret_base32(device),
        "required": twofactor.pending_step(request) == twofactor.ENROL, "next": request.GET.get("next", ""),
    })


@login_required
def twofactor_recovery(request):
    """The recovery codes just generated, shown once; POST with a current code from the app makes new ones,
    which invalidates the old."""
    if twofactor.confirmed_device(request.user) is None:
        return redirect("account-security")
    form = CodeForm(request.POST or None)
    form.fields["code"].widget.attrs.pop("autofocus", None)  # the codes are what this page is for
    if request.method == "POST" and form.is_valid():
        try:
            codes = twofactor.recovery_codes_regenerate(request, form.cleaned_data["code"])
        except ValidationError as exc:
            add_service_errors(form, exc)
        except PermissionDenied:
            return redirect("login")
        else:
            return _show_recovery_codes(request, codes)
    codes = request.session.pop(RECOVERY_SESSION_KEY, None) if request.method == "GET" else None
    next_url = _next_url(request) if request.GET.get("next") else reverse("account-security")
    return render(request, "accounts/twofactor_recovery.html", {
        "codes": codes, "left": twofactor.recovery_codes_left(request.user), "form": form, "next": next_url,
    }, status=400 if form.errors else 200)


@login_required
@require_POST
def twofactor_disable(request):
    form = CodeForm(request.POST)
    if form.is_valid():
        try:
            twofactor.disable(request, form.cleaned_data["code"])
        except ValidationError as exc:
            add_service_errors(form, exc)
        except PermissionDenied:
            return redirect("login")
        else:
            messages.success(request, _("Two-factor sign-in is off."))
            return redirect("account-security")
    return render(request, "accounts/security.html", {
        "staff": True, "device": twofactor.confirmed_device(request.user),
        "required": twofactor.required_for(request.user), "disable_form": form,
    }, status=400)


@login_required
def twofactor_verify(request):
    """The code after the password. Wrong codes count towards axes' lockout like wrong passwords."""
    if twofactor.pending_step(request) != twofactor.VERIFY:
        return redirect(_next_url(request))
    form = VerifyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if not twofactor.verify(request, form.cleaned_data["code"]):
            if not request.user.is_authenticated:
                return redirect("login")  # locked out: axes' middleware answers with its lockout page
            form.add_error("code", _("The code is not valid. Check the phone's clock and try again."))
        else:
            return redirect(_next_url(request))
    return render(request, "accounts/twofactor_verify.html", {"form": form, "next": _next_url(request)})
