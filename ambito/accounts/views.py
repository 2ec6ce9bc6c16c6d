from django import forms
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import AuthenticationForm
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from ambito.accounts import selectors
from ambito.core.forms import StyledFormMixin


class LoginForm(StyledFormMixin, AuthenticationForm):
    """One generic message for any failure: it never tells whether the username exists."""

    error_messages = {
        "invalid_login": _("Wrong username or password. After repeated failures the account is locked for an hour."),
        "inactive": _("Wrong username or password. After repeated failures the account is locked for an hour."),
    }
    username = forms.CharField(label=_("Username"), max_length=150, widget=forms.TextInput(attrs={"autofocus": True, "autocomplete": "username"}))


class LoginView(auth_views.LoginView):
    form_class = LoginForm
    template_name = "registration/login.html"
    redirect_authenticated_user = True


def home(request):
    """The home page of each role: what that role works on."""
    return render(request, "core/home.html", selectors.home_context(actor=request.user))
