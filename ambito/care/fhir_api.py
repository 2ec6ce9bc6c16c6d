"""The FHIR R4 endpoints (base ``/api/v1/fhir``) and the person Bundle (``/api/v1/persons/{id}/fhir/``).

- Content negotiation as FHIR clients expect it: ``Accept: application/fhir+json`` (or ``application/json``,
  ``*/*``) and the ``_format`` parameter (``json``, ``application/fhir+json``, ``application/json``); the answer
  carries the media type asked for. XML is not offered: asking only for it is a 406 with an OperationOutcome.
- ``GET [base]`` and ``GET [base]/metadata``: the CapabilityStatement (public, as FHIR expects).
- ``GET [base]/CodeSystem/{id}``: the Ambito's own CodeSystems, whose canonical URLs are these addresses.
- ``GET|PUT|PATCH [base]/Task/referral-{id}``: the referral as an SDOHCC Task; a provider system moves it
  through the closed loop by sending the Task with a new ``status`` (``accepted``, ``rejected`` with
  ``statusReason``, ``in-progress``, ``completed``; the case team may send ``cancelled``), whole (``PUT``) or as
  a JSON Patch (``PATCH``, ``application/json-patch+json``). The change goes through the same care services as
  a click in the inbox, with the same checks and access log; ``If-Match`` with the Task's version is honoured.
  Every refusal is an OperationOutcome with the HTTP status that fits (400, 401, 403, 404, 409, 412, 422)."""

import copy

from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import exceptions, status
from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.permissions import AllowAny
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.views import APIView

from ambito.access.models import Person, Scale, ScaleScore
from ambito.accounts.models import AccessAction, OrganisationKind
from ambito.accounts.roles import Role
from ambito.accounts.services import access_log_record
from ambito.care import rules, services
from ambito.care.fhir import (
    FHIR_VERSION,
    REFERRAL_STATUS,
    SDOHCC_TASK_PROFILE,
    code_system_url,
    fhir_base,
    person_bundle,
    task_resource,
)
from ambito.care.models import AnswerChannel, CarePlan, DeclineReason, Referral, ReferralStatus
from ambito.network.models import TaxonomyTerm
from ambito.network.taxonomy import Area

FHIR_JSON = "application/fhir+json"
JSON_PATCH = "application/json-patch+json"
FORMAT = OpenApiParameter("_format", str, description="FHIR format override: json, application/fhir+json or "
                          "application/json (instead of the Accept header).")


class FhirJSONRenderer(JSONRenderer):
    media_type = FHIR_JSON
    format = "fhir"


class PlainJSONRenderer(JSONRenderer):
    format = "json"


# The project's JSON parser (depth and control-character checks), read from the settings: care sits below
# the ``api`` package and does not import it.
JSONParser = next(parser for parser in api_settings.DEFAULT_PARSER_CLASSES if parser.media_type == "application/json")


class FhirJSONParser(JSONParser):
    media_type = FHIR_JSON


class JSONPatchParser(JSONParser):
    media_type = JSON_PATCH


_FORMATS = {"json": FHIR_JSON, FHIR_JSON: FHIR_JSON, "application/json": "application/json"}


class FhirNegotiation(DefaultContentNegotiation):
    """``_format`` first, then ``Accept``; anything JSON-compatible (or no preference) gets
    ``application/fhir+json`` unless the client named ``application/json`` itself."""

    def select_renderer(self, request, renderers, format_suffix=None):
        by_type = {renderer.media_type: renderer for renderer in renderers}
        asked = (request.query_params.get("_format") or "").split(";")[0].strip().replace(" ", "+")
        if asked:
            if asked not in _FORMATS:
                raise exceptions.NotAcceptable(_("Only JSON is offered: _format=json or application/fhir+json."))
            media = _FORMATS[asked]
            return by_type[media], media
        accept = [part.split(";")[0].strip() for part in request.META.get("HTTP_ACCEPT", "").split(",")]
        accept = [part for part in accept if part]
        if not accept:
            return by_type[FHIR_JSON], FHIR_JSON
        for media in accept:
            if media in (FHIR_JSON, "*/*", "application/*") or media.endswith("+json"):
                return by_type[FHIR_JSON], FHIR_JSON
            if media == "application/json":
                return by_type["application/json"], "application/json"
            if media == "text/html":  # a browser: show the JSON
                return by_type[FHIR_JSON], FHIR_JSON
        raise exceptions.NotAcceptable(_("Only JSON is offered: application/fhir+json or application/json."))


_ISSUE_CODE = {400: "invalid", 401: "login", 403: "forbidden", 404: "not-found", 405: "not-supported",
               406: "not-supported", 409: "conflict", 412: "conflict", 415: "not-supported", 422: "business-rule",
               429: "throttled"}


def _messages(data) -> list[str]:
    if isinstance(data, dict):
        return [message for key, value in data.items() if key != "code" for message in _messages(value)]
    if isinstance(data, list):
        return [message for value in data for message in _messages(value)]
    return [str(data)]


def operation_outcome(http_status: int, messages) -> dict:
    return {"resourceType": "OperationOutcome", "issue": [
        {"severity": "error", "code": _ISSUE_CODE.get(http_status, "processing"), "diagnostics": message}
        for message in (messages or [str(http_status)])]}


class Unprocessable(exceptions.APIException):
    status_code = 422
    default_code = "business-rule"


class PreconditionFailed(exceptions.APIException):
    status_code = status.HTTP_412_PRECONDITION_FAILED
    default_code = "conflict"


OUTCOME_SCHEMA = {"type": "object", "properties": {
    "resourceType": {"type": "string", "enum": ["OperationOutcome"]},
    "issue": {"type": "array", "items": {"type": "object"}}}}
RESOURCE_SCHEMA = {"type": "object", "required": ["resourceType"], "properties": {"resourceType": {"type": "string"}}}
_ERROR_CODES = ("400", "401", "403", "404", "406", "409", "412", "415", "422", "429")


class FhirSchema(api_settings.DEFAULT_SCHEMA_CLASS):
    """The project's schema class (read from the settings, as care does not import ``api``), with the FHIR
    answers: resources in ``application/fhir+json`` or ``application/json``, and every refusal an
    OperationOutcome."""

    def get_operation(self, *args, **kwargs):
        operation = super().get_operation(*args, **kwargs)
        if operation is None:
            return None
        responses = operation["responses"]
        for code in _ERROR_CODES:
            responses[code] = {"description": "Refused: an OperationOutcome says why.",
                               "content": {media: {"schema": OUTCOME_SCHEMA} for media in (FHIR_JSON,
                                                                                          "application/json")}}
        responses["200"] = {"description": "A FHIR resource.",
                            "content": {media: {"schema": RESOURCE_SCHEMA} for media in (FHIR_JSON,
                                                                                        "application/json")}}
        return operation


class FhirView(APIView):
    schema = FhirSchema()
    renderer_classes = [FhirJSONRenderer, PlainJSONRenderer]
    parser_classes = [FhirJSONParser, JSONParser, JSONPatchParser]
    content_negotiation_class = FhirNegotiation

    def handle_exception(self, exc):
        if isinstance(exc, ValidationError) and getattr(exc, "code", None) == "bad_transition":
            exc = Unprocessable(exc.messages)
        response = super().handle_exception(exc)
        response.data = operation_outcome(response.status_code, _messages(response.data))
        return response


def capability_statement() -> dict:
    return {
        "resourceType": "CapabilityStatement",
        "status": "active",
        "date": timezone.localdate().isoformat(),
        "publisher": "Ambito",
        "kind": "instance",
        "software": {"name": "Ambito"},
        "implementation": {"description": "Ambito: referrals and care plans of an Ambito Territoriale Sociale",
                           "url": fhir_base()},
        "fhirVersion": FHIR_VERSION,
        "format": [FHIR_JSON, "json", "application/json"],
        "patchFormat": [JSON_PATCH],
        "implementationGuide": ["http://hl7.org/fhir/us/sdoh-clinicalcare/ImplementationGuide/"
                                "hl7.fhir.us.sdoh-clinicalcare"],
        "rest": [{
            "mode": "server",
            "documentation": "A person's care is exported as a Bundle at /api/v1/persons/{id}/fhir/. A provider "
                             "moves a referral through its loop by updating its Task's status.",
            "security": {"description": "Signed-in session or API token (POST /api/v1/token/)."},
            "resource": [
                {"type": "Task", "supportedProfile": [SDOHCC_TASK_PROFILE],
                 "interaction": [{"code": "read"}, {"code": "update"}, {"code": "patch"}],
                 "versioning": "versioned-update", "updateCreate": False, "conditionalUpdate": False},
                {"type": "CodeSystem", "interaction": [{"code": "read"}]},
            ],
        }],
    }


class FhirCapabilityApi(FhirView):
    """The FHIR server's CapabilityStatement, at the base and at ``metadata``."""

    permission_classes = [AllowAny]
    authentication_classes = []

    @extend_schema(parameters=[FORMAT], responses={(200, FHIR_JSON): OpenApiTypes.OBJECT})
    def get(self, request):
        return Response(capability_statement())


def _code_system(name: str, title: str, concepts) -> dict:
    return {"resourceType": "CodeSystem", "id": name, "url": code_system_url(name), "name": name.replace("-", "_"),
            "title": title, "status": "active", "publisher": "Ambito", "content": "complete",
            "caseSensitive": True,
            "concept": [{"code": code, "display": str(display)} for code, display in concepts]}


CODE_SYSTEMS = {
    "scale": ("Assessment scales", lambda: Scale.objects.values_list("code", "name")),
    "care-area": ("Areas of users (CISIS Nomenclatore)", lambda: Area.choices),
    "service": ("CISIS Nomenclatore of social interventions and services",
                lambda: TaxonomyTerm.objects.values_list("code", "name")),
    "referral-status": ("States of a referral's closed loop", lambda: ReferralStatus.choices),
    "decline-reason": ("Why a provider declines a referral", lambda: DeclineReason.choices),
    "organisation-kind": ("Kinds of organisation", lambda: OrganisationKind.choices),
    "role": ("Roles of the people who work in the Ambito", lambda: Role.choices),
}


class FhirCodeSystemApi(FhirView):
    """The Ambito's own CodeSystems: the canonical URL of each code the Bundles carry."""

    permission_classes = [AllowAny]
    authentication_classes = []

    @extend_schema(parameters=[FORMAT], responses={(200, FHIR_JSON): OpenApiTypes.OBJECT})
    def get(self, request, system_id):
        if system_id not in CODE_SYSTEMS:
            raise exceptions.NotFound(_("No such CodeSystem."))
        title, concepts = CODE_SYSTEMS[system_id]
        return Response(_code_system(system_id, title, concepts()))


class PersonFhirApi(FhirView):
    """A person's care plans, assessments and referrals as an HL7 FHIR R4 Bundle (Patient with pseudonymous
    identifier only) shaped by the SDOH Clinical Care profiles."""

    @extend_schema(parameters=[FORMAT], responses={(200, FHIR_JSON): OpenApiTypes.OBJECT})
    def get(self, request, pk):
        person = get_object_or_404(Person, pk=pk)
        if not rules.can_view_case(request.user, person):
            access_log_record(actor=request.user, record=person, action=AccessAction.DENIED,
                              purpose="FHIR export refused")
            raise PermissionDenied
        bundle = person_bundle_for(person)
        access_log_record(actor=request.user, record=person, action=AccessAction.EXPORT, purpose="FHIR export")
        return Response(bundle)


def person_bundle_for(person) -> dict:
    """Read what the Bundle shows in a fixed number of queries, whatever the person's history."""
    from django.db.models import Prefetch

    from ambito.accounts.models import Membership

    memberships = Prefetch("memberships", queryset=Membership.objects.select_related("organisation"))
    plans = list(CarePlan.objects.filter(person=person).select_related("comune__organisation", "case_manager")
                 .prefetch_related("goals", "interventions__service__taxonomy_term", "interventions__provider",
                                   Prefetch("case_manager__memberships",
                                            queryset=Membership.objects.select_related("organisation"))))
    referrals = list(Referral.objects.filter(person=person).select_related(
        "provider", "person", "comune__organisation", "sent_by").prefetch_related(
        Prefetch("sent_by__memberships", queryset=memberships.queryset)))
    scores = list(ScaleScore.objects.filter(assessment__person=person, assessment__held_on__isnull=False)
                  .select_related("scale", "assessment").order_by("assessment__held_on", "pk"))
    return person_bundle(person=person, plans=plans, referrals=referrals, scores=scores)


def _referral(request, task_id: str) -> Referral:
    if not task_id.startswith("referral-") or not task_id[len("referral-"):].isascii() \
            or not task_id[len("referral-"):].isdigit() or len(task_id) > 30:
        raise exceptions.NotFound(_("No such Task."))
    referral = get_object_or_404(
        Referral.objects.select_related("person", "provider", "comune__organisation", "sent_by", "intervention")
        .prefetch_related("sent_by__memberships__organisation"), pk=int(task_id[len("referral-"):]))
    if not rules.can_view_referral(request.user, referral):
        access_log_record(actor=request.user, record=referral, action=AccessAction.DENIED,
                          purpose="FHIR Task refused")
        raise PermissionDenied
    return referral


def _etag(referral) -> str:
    return f'W/"{referral.version}"'


def _task_response(referral) -> Response:
    return Response(task_resource(referral), headers={"ETag": _etag(referral), "Cache-Control": "no-store"})


# --- JSON Patch (RFC 6902) on a Task: add, remove, replace, test, copy, move ------------------------------------


def _pointer(path: str) -> list[str]:
    if path == "":
        return []
    if not path.startswith("/"):
        raise exceptions.ParseError(_("A JSON Patch path starts with “/”: %(path)s") % {"path": path})
    return [part.replace("~1", "/").replace("~0", "~") for part in path[1:].split("/")]


def _walk(document, parts):
    for part in parts:
        if isinstance(document, list):
            if not part.isdigit() or int(part) >= len(document):
                raise exceptions.ParseError(_("The JSON Patch path does not exist in the Task."))
            document = document[int(part)]
        elif isinstance(document, dict) and part in document:
            document = document[part]
        else:
            raise exceptions.ParseError(_("The JSON Patch path does not exist in the Task."))
    return document


def _set(document, parts, value, *, insert: bool):
    parent, last = _walk(document, parts[:-1]), parts[-1]
    if isinstance(parent, list):
        if last == "-":
            parent.append(value)
        elif last.isdigit() and int(last) <= len(parent):
            if insert:
                parent.insert(int(last), value)
            else:
                parent[int(last)] = value
        else:
            raise exceptions.ParseError(_("The JSON Patch path does not exist in the Task."))
    elif isinstance(parent, dict):
        if not insert and last not in parent:
            raise exceptions.ParseError(_("The JSON Patch path does not exist in the Task."))
        parent[last] = value
    else:
        raise exceptions.ParseError(_("The JSON Patch path does not exist in the Task."))


def _remove(document, parts):
    parent, last = _walk(document, parts[:-1]), parts[-1]
    value = _walk(parent, [last])
    if isinstance(parent, list):
        del parent[int(last)]
    else:
        del parent[last]
    return value


def json_patch(document: dict, operations) -> dict:
    if not isinstance(operations, list):
        raise exceptions.ParseError(_("A JSON Patch is a list of operations."))
    document = copy.deepcopy(document)
    for operation in operations:
        if not isinstance(operation, dict) or not isinstance(operation.get("path"), str):
            raise exceptions.ParseError(_("Each JSON Patch operation has an “op” and a “path”."))
        op, parts = operation.get("op"), _pointer(operation["path"])
        if not parts:
            raise exceptions.ParseError(_("A JSON Patch cannot replace the whole Task."))
        if op in ("add", "replace"):
            if "value" not in operation:
                raise exceptions.ParseError(_("A JSON Patch “%(op)s” needs a value.") % {"op": op})
            _set(document, parts, operation["value"], insert=op == "add")
        elif op == "remove":
            _remove(document, parts)
        elif op == "test":
            if _walk(document, parts) != operation.get("value"):
                raise PreconditionFailed(_("The JSON Patch test failed: the Task is not as expected."))
        elif op in ("copy", "move"):
            source = _pointer(operation.get("from", ""))
            value = _remove(document, source) if op == "move" else copy.deepcopy(_walk(document, source))
            _set(document, parts, value, insert=True)
        else:
            raise exceptions.ParseError(_("Unknown JSON Patch operation: %(op)s") % {"op": op})
    return document


def _reason(task: dict) -> tuple[str, str]:
    """Decline reason and note from ``Task.statusReason``: a coding of the ``decline-reason`` CodeSystem,
    and the text; text alone is the reason “other” with that text."""
    reason = task.get("statusReason") or {}
    if not isinstance(reason, dict):
        raise exceptions.ParseError(_("Task.statusReason is a CodeableConcept."))
    text = reason.get("text") if isinstance(reason.get("text"), str) else ""
    codes = [coding.get("code") for coding in reason.get("coding") or [] if isinstance(coding, dict)
             and coding.get("system") == code_system_url("decline-reason")]
    code = codes[0] if codes else ""
    if not code and text:
        code = DeclineReason.OTHER
    return code or "", text.strip()


def _note(task: dict) -> str:
    notes = [note.get("text") for note in task.get("note") or [] if isinstance(note, dict)]
    return str(notes[-1]).strip() if notes and notes[-1] else ""


def task_update(*, actor, referral: Referral, task: dict) -> Referral:
    """Apply the Task sent by a partner system: only its ``status`` (with ``statusReason`` / ``note``) moves
    the referral; the rest of the Task is the Ambito's and is not changed. The move goes through the care
    services, which check who may make it and write the access log."""
    if not isinstance(task, dict) or task.get("resourceType") != "Task":
        raise exceptions.ParseError(_("The body must be a FHIR Task."))
    if task.get("id") not in (None, f"referral-{referral.pk}"):
        raise exceptions.ParseError(_("The Task's id does not match the address."))
    wanted = REFERRAL_STATUS.get(task.get("status"))
    if wanted is None:
        raise Unprocessable(_("Task.status “%(status)s” is not one a referral can take (accepted, rejected, "
                              "in-progress, completed, cancelled).") % {"status": task.get("status")})
    if wanted == referral.status:
        return referral
    if wanted == ReferralStatus.ACCEPTED:
        return services.referral_accept(actor=actor, referral=referral, note=_note(task), via=AnswerChannel.API)
    if wanted == ReferralStatus.DECLINED:
        reason, text = _reason(task)
        if not reason:
            raise Unprocessable(_("A rejected Task needs a statusReason saying why."))
        note = text if reason == DeclineReason.OTHER else (_note(task) or text)
        return services.referral_decline(actor=actor, referral=referral, reason=reason, note=note,
                                         via=AnswerChannel.API)
    if wanted == ReferralStatus.IN_PROGRESS:
        return services.referral_start(actor=actor, referral=referral)
    if wanted == ReferralStatus.COMPLETED:
        return services.referral_complete(actor=actor, referral=referral, outcome_note=_note(task))
    if wanted == ReferralStatus.CANCELLED:
        return services.referral_cancel(actor=actor, referral=referral, reason=_reason(task)[1] or _note(task))
    raise Unprocessable(_("A referral cannot go back to “requested”."))


class FhirTaskApi(FhirView):
    """One referral as an SDOHCC Task: read it, or move it through the loop by updating its status."""

    @extend_schema(parameters=[FORMAT], responses={(200, FHIR_JSON): OpenApiTypes.OBJECT})
    def get(self, request, task_id):
        referral = _referral(request, task_id)
        access_log_record(actor=request.user, record=referral, action=AccessAction.READ, purpose="FHIR Task read")
        return _task_response(referral)

    def _update(self, request, task_id, build):
        referral = _referral(request, task_id)
        expected = request.META.get("HTTP_IF_MATCH")
        if expected and expected.strip() not in (_etag(referral), f'"{referral.version}"'):
            raise PreconditionFailed(_("The Task changed since you read it (version %(version)s).")
                                     % {"version": referral.version})
        referral = task_update(actor=request.user, referral=referral, task=build(referral))
        referral.refresh_from_db()
        return _task_response(referral)

    @extend_schema(parameters=[FORMAT], request=OpenApiTypes.OBJECT,
                   responses={(200, FHIR_JSON): OpenApiTypes.OBJECT})
    def put(self, request, task_id):
        return self._update(request, task_id, lambda referral: request.data)

    @extend_schema(parameters=[FORMAT], request=OpenApiTypes.OBJECT,
                   responses={(200, FHIR_JSON): OpenApiTypes.OBJECT})
    def patch(self, request, task_id):
        if request.content_type.split(";")[0].strip() != JSON_PATCH:
            raise exceptions.UnsupportedMediaType(request.content_type,
                                                  _("PATCH takes a JSON Patch (application/json-patch+json)."))
        return self._update(request, task_id, lambda referral: json_patch(task_resource(referral), request.data))
