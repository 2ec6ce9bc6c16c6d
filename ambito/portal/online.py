"""The online door of the PUA for citizens (*domanda online*): a signed-in person asks for help for themselves
or a relative, and follows the status and outcome of what they sent.

Sign-in: in production the citizen signs in with SPID or CIE (the Italian public digital identities) through an
OpenID Connect or SAML backend added to ``AUTHENTICATION_BACKENDS``; the backend puts the identity it received
(codice fiscale, names, birth date) in the session under ``AMBITO_IDENTITY_SESSION_KEY`` and this form takes those
fields as given, not typed. Locally (and in the demo) Django's own login is used and the citizen types them. See
docs/citizen-online-requests.md."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from ambito.access import selectors as access_selectors
from ambito.access.forms_doors import BringForm
from ambito.access.models import Channel, ConsentKind
from ambito.access.views_doors import bring_from_form
from ambito.core.pagination import paginate
from ambito.territory.models import Comune

IDENTITY_FIELDS = ("fiscal_code", "first_name", "last_name", "birth_date", "sex")
ONLINE_CONSENTS = [ConsentKind.INFORMATION_NOTICE, ConsentKind.CARE_PROCESSING, ConsentKind.CONTACT]


def signed_in_identity(request) -> dict:
    """What the identity provider (SPID/CIE) asserted about the signed-in citizen, if the login came from one."""
    key = getattr(settings, "AMBITO_IDENTITY_SESSION_KEY", "ambito_identity")
    identity = request.session.get(key) or {}
    return {name: identity[name] for name in IDENTITY_FIELDS if identity.get(name)}


@login_required
def request_online(request):
    identity = signed_in_identity(request)
    form = BringForm(request.POST or None, comuni=Comune.objects.select_related("ambito").order_by("name"),
                     identity=identity)
    form.fields["consents"].choices = [(kind.value, kind.label) for kind in ONLINE_CONSENTS]
    status = 200
    if request.method == "POST" and form.is_valid():
        created, status = bring_from_form(request, form, Channel.ONLINE)
        if created is not None:
            messages.success(request, _("Request #%(pk)s sent to the PUA of %(comune)s. You will find its outcome "
                                        "here.") % {"pk": created.pk, "comune": created.comune.name})
            return redirect("portal-my-requests")
    return render(request, "portal/request_online.html", {"form": form, "identity": identity}, status=status)


@login_required
def my_requests(request):
    page = paginate(request, access_selectors.requests_brought(actor=request.user).filter(channel=Channel.ONLINE))
    return render(request, "portal/my_requests.html", {"page": page, "rows": page.object_list})
