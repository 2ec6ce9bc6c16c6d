"""Schemathesis against the OpenAPI schema: every operation, as each demo role and anonymously.

Checks on every generated request: no 5xx, the status code, the content type and the body all as the schema
documents them. Requests run in-process through Django's test handler, each inside a savepoint that is
rolled back, so unsafe methods are fuzzed too and nothing leaks between cases or out of the module.
``FUZZ_EXAMPLES`` (default 3) sets the examples per operation and role; the totals land in
``var/fuzz-report.json``.
"""

import json
import os
import sys
import traceback
from collections import Counter
from pathlib import Path

import pytest
import schemathesis
from django.core.cache import cache
from django.core.signals import got_request_exception
from django.db import transaction
from django.test.client import ClientHandler
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error
from schemathesis.core.failures import FailureGroup
from schemathesis.generation import GenerationMode
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

FUZZ_EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "3"))
ROLES = ["anonymous", "planner", "sw.monza", "asl.operator", "gp", "ets.operator", "observer", "admin", "dpo"]
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
# The marker also makes pytest-django create the test database before the module fixture runs.
pytestmark = pytest.mark.django_db
REPORT = Path(__file__).resolve().parents[3] / "var" / "fuzz-report.json"


class InTransactionApp:
    """A WSGI application around Django's test handler: each request runs in a savepoint rolled back after
    it, and an unhandled exception is kept for the report (the handler has already made it a 500)."""

    def __init__(self):
        self.handler = ClientHandler(enforce_csrf_checks=True)
        self.last_exception = None

    def _on_exception(self, **kwargs):
        self.last_exception = "".join(traceback.format_exception(*sys.exc_info()))

    def __call__(self, environ, start_response):
        self.last_exception = None
        got_request_exception.connect(self._on_exception)
        try:
            with transaction.atomic():
                response = self.handler(environ)
                content = b"".join(response.streaming_content) if response.streaming else response.content
                transaction.set_rollback(True)
        finally:
            got_request_exception.disconnect(self._on_exception)
        headers = list(response.items())
        headers += [("Set-Cookie", morsel.OutputString()) for morsel in response.cookies.values()]
        start_response(f"{response.status_code} {response.reason_phrase}", headers)
        return [content]


# The territory, accounts, network, planning and monitoring demo loads in seconds; the PUA and care demos take
# about a minute on this machine, so a few records of each kind are built here through the same services.
LIGHT_DEMO = ["territory", "accounts", "network", "planning", "monitoring", "privacy"]


def _records(ctx):
    """Persons, requests (one from the GP), scored and completed UVMs, waiting-list entries, a signed PAI with an
    accepted referral and a delivery, a Budget di salute and a queued job: one of every API resource."""
    import datetime
    from decimal import Decimal

    from django.utils import timezone

    from ambito.access import services as access
    from ambito.access.models import AssessmentDecision, Scale
    from ambito.access.tests.factories import BARTHEL_ALL, LAWTON_ALL, make_person, make_request
    from ambito.care import services as care
    from ambito.care.tests.factories import accepted_referral
    from ambito.planning.api import start_document

    today = timezone.localdate()
    scales = {scale.code: scale for scale in Scale.objects.all()}
    for key in ("sad_monza", "sad_brugherio", "adi"):
        access.waiting_list_ensure(service=ctx.services[key], open_slots=1)
    for comune, username, list_key in (("monza", "sw.monza", "sad_monza"), ("brugherio", "sw.brugherio",
                                                                              "sad_brugherio")):
        worker = ctx.users[username]
        person = make_person(worker, ctx.comuni[comune])
        access.consent_record(actor=worker, person=person, kind="information_notice", notice_version="2026-01")
        make_request(worker, person, channel="phone")  # left untriaged
        request = make_request(worker, person)
        access.request_triage(actor=worker, request=request, triage_kind="socio_health", outcome="uvm")
        assessment = access.assessment_schedule(actor=worker, request=request, scheduled_for=today)
        access.assessment_score(actor=worker, assessment=assessment, scale=scales["barthel"], answers=BARTHEL_ALL)
        access.assessment_score(actor=worker, assessment=assessment, scale=scales["lawton_iadl"],
                                answers=LAWTON_ALL)
        service = ctx.services[list_key]
        access.assessment_complete(actor=worker, assessment=assessment, need_profile="socio_health", intensity=2,
                                   decision=AssessmentDecision.SERVICE, decision_service=service)
        access.waiting_list_entry_add(actor=worker, waiting_list=service.waiting_list, person=person,
                                      assessment=assessment)
        second = make_person(worker, ctx.comuni[comune])
        access.assessment_schedule(actor=worker, request=access.request_triage(
            actor=worker, request=make_request(worker, second), triage_kind="socio_health", outcome="uvm"),
            scheduled_for=today + datetime.timedelta(days=7))
    sw, gp = ctx.users["sw.monza"], ctx.users["gp"]
    make_request(gp, make_person(sw, ctx.comuni["monza"]), channel="gp")
    referral = accepted_referral(ctx)
    care.delivery_create(actor=ctx.users["ets.operator"], referral=referral, delivery_type="home_care_visit",
                         delivered_on=today - datetime.timedelta(days=1), operator_name="Operatrice A",
                         hours=Decimal("2"))
    care.health_budget_create(actor=sw, person=referral.care_plan.person, title="Budget di salute",
                              start_date=today, end_date=today + datetime.timedelta(days=365))
    care.discharge_create(actor=sw, person=referral.care_plan.person, setting="hospital", facility="Medicina",
                          planned_on=today + datetime.timedelta(days=3))
    start_document(actor=ctx.users["planner"], plan=ctx.plans["2025"], kind="pdf")


def _real_ids():
    """A few existing primary keys per path resource, so fuzzing reaches records and not only 404s."""
    from ambito.access.models import AccessRequest, Assessment, Person, WaitingList, WaitingListEntry
    from ambito.care.models import CarePlan, Delivery, Discharge, HealthBudget, Referral
    from ambito.core.models import Job
    from ambito.monitoring import indicators
    from ambito.network.models import Service
    from ambito.planning.models import Intervention, Plan

    def sample(queryset):
        values = list(queryset.order_by("pk").values_list("pk", flat=True))
        picked = values[:1] + values[len(values) // 2:len(values) // 2 + 1] + values[-1:]
        return list(dict.fromkeys(str(value) for value in picked))

    return {
        "/api/v1/persons/": sample(Person.objects),
        "/api/v1/requests/": sample(AccessRequest.objects),
        "/api/v1/assessments/": sample(Assessment.objects),
        "/api/v1/waiting-lists/": sample(WaitingList.objects),
        "/api/v1/waiting-list-entries/": sample(WaitingListEntry.objects),
        "/api/v1/care-plans/": sample(CarePlan.objects),
        "/api/v1/health-budgets/": sample(HealthBudget.objects),
        "/api/v1/referrals/": sample(Referral.objects),
        "/api/v1/deliveries/": sample(Delivery.all_objects),
        "/api/v1/discharges/": sample(Discharge.objects),
        "/api/v1/plans/": sample(Plan.objects),
        "/api/v1/interventions/": sample(Intervention.objects),
        "/api/v1/services/": sample(Service.objects),
        "/api/v1/jobs/": sample(Job.objects),
        "/api/v1/indicators/": [d.code for d in indicators.definitions()][:3],
    }


class FuzzRun:
    def __init__(self):
        self.cases = Counter()
        self.statuses = Counter()
        self.server_errors = []
        self.failures = []


@pytest.fixture(scope="module")
def fuzz(django_db_setup, django_db_blocker):
    """The whole demo Ambito loaded once for the module inside a transaction rolled back at the end."""
    from ambito.accounts.services import api_token_issue
    from ambito.core.demo import load_demo

    with django_db_blocker.unblock(), transaction.atomic():
        ctx = load_demo(LIGHT_DEMO)
        _records(ctx)
        app = InTransactionApp()
        schema = schemathesis.openapi.from_wsgi("/api/schema/", app)
        tokens = {name: api_token_issue(user=user)[0] for name, user in ctx.users.items()}
        run = FuzzRun()
        run.schema, run.app, run.tokens, run.ids = schema, app, tokens, _real_ids()
        yield run
        transaction.set_rollback(True)
    cache.clear()  # the token endpoint's throttle must not outlive the module
    _write_report(run)


def _write_report(run):
    REPORT.parent.mkdir(parents=True, exist_ok=True)
    operations = sorted({key[1] for key in run.cases})
    report = {
        "examples_per_operation_and_role": FUZZ_EXAMPLES,
        "operations": len(operations),
        "roles": sorted({key[0] for key in run.cases}),
        "cases": sum(run.cases.values()),
        "statuses": {str(code): n for code, n in sorted(run.statuses.items())},
        "server_errors": len(run.server_errors),
        "failures": run.failures[:200],
    }
    by_role = Counter()
    for (role, _), count in run.cases.items():
        by_role[role] += count
    report["cases_by_role"] = dict(sorted(by_role.items()))
    REPORT.write_text(json.dumps(report, indent=2))


def _strategy(operation, ids):
    """Positive and negative cases; for a path with an id, most aimed at records that exist."""
    modes = [GenerationMode.POSITIVE, GenerationMode.NEGATIVE]
    strategies = []
    for mode in modes:
        strategies.append(operation.as_strategy(generation_mode=mode))
        prefix = next((p for p in ids if operation.path.startswith(p)), None)
        parameters = [p["name"] for p in operation.definition.raw.get("parameters", []) if p.get("in") == "path"]
        if prefix and parameters:
            for value in ids[prefix]:
                strategies.append(operation.as_strategy(generation_mode=mode,
                                                        path_parameters={parameters[0]: value}))
    return st.one_of(strategies)


@pytest.mark.parametrize("role", ROLES)
def test_every_operation_conforms_to_the_schema(fuzz, role):
    headers = {} if role == "anonymous" else {"Authorization": f"Token {fuzz.tokens[role]}"}
    operations = [result.ok() for result in fuzz.schema.get_all_operations()]
    assert len(operations) >= 60
    failures = []

    for operation in operations:
        label = f"{operation.method.upper()} {operation.path}"

        @settings(max_examples=FUZZ_EXAMPLES, derandomize=True, database=None, deadline=None,
                  phases=[Phase.explicit, Phase.generate], suppress_health_check=list(HealthCheck),
                  print_blob=False)
        @given(case=_strategy(operation, fuzz.ids))
        def run(case):
            fuzz.cases[(role, label)] += 1
            try:
                response = case.call(headers=headers)
                fuzz.statuses[response.status_code] += 1
                case.validate_response(response, checks=CHECKS, headers=headers)
            except FailureGroup as group:
                for failure in group.exceptions:
                    entry = {"role": role, "operation": label, "title": failure.title,
                             "message": failure.message[:800],
                             "request": case.as_curl_command(headers=headers)[:800]}
                    if response.status_code >= 500:
                        entry["traceback"] = (fuzz.app.last_exception or "")[-3000:]
                        fuzz.server_errors.append(entry)
                    failures.append(entry)

        run()

    fuzz.failures.extend(failures)
    summary = Counter((f["operation"], f["title"]) for f in failures)
    assert not failures, "\n".join(f"{n}× {op}: {title}" for (op, title), n in summary.most_common())


def _nested(depth):
    value = []
    for _ in range(depth):
        value = [value]
    return value


# Malformed bodies the generator does not think of: nesting past the parser's limit (ambito.api.parsers), NUL and
# other control characters (PostgreSQL refuses NUL), text-direction overrides (refused by every CharField).
MALFORMED = {
    "deep": lambda names: {(names or ["x"])[0]: _nested(100)},
    "nul": lambda names: {name: "a\u0000b" for name in names or ["x"]},
    "control": lambda names: {name: "a\u0007b\u001bc" for name in names or ["x"]},
    "bidi": lambda names: {name: "Mario\u202eissoR\u2066" for name in names or ["x"]},
}


@pytest.mark.parametrize("role", ["anonymous", "sw.monza", "planner", "dpo"])
def test_malformed_bodies_are_refused_as_documented(fuzz, role):
    headers = {} if role == "anonymous" else {"Authorization": f"Token {fuzz.tokens[role]}"}
    failures = []
    for operation in (result.ok() for result in fuzz.schema.get_all_operations()):
        content = operation.definition.raw.get("requestBody", {}).get("content", {})
        if "application/json" not in content:
            continue
        properties = list(content["application/json"].get("schema", {}).get("properties", {}))
        if not properties:
            ref = content["application/json"].get("schema", {}).get("$ref", "")
            component = fuzz.schema.raw_schema["components"]["schemas"].get(ref.rsplit("/", 1)[-1], {})
            properties = list(component.get("properties", {}))
        prefix = next((p for p in fuzz.ids if operation.path.startswith(p)), None)
        path_parameters = {p["name"]: (fuzz.ids[prefix][0] if prefix else "1")
                           for p in operation.definition.raw.get("parameters", []) if p.get("in") == "path"}
        for kind, make in MALFORMED.items():
            case = operation.Case(body=make(properties), media_type="application/json",
                                  path_parameters=path_parameters)
            response = case.call(headers=headers)
            fuzz.statuses[response.status_code] += 1
            fuzz.cases[(role, f"{operation.method.upper()} {operation.path} [{kind}]")] += 1
            if kind in ("deep", "nul", "control") and response.status_code in (200, 201):
                failures.append(f"{kind}: {operation.method.upper()} {operation.path} accepted it")
            try:
                case.validate_response(response, checks=CHECKS, headers=headers)
            except FailureGroup as group:
                failures += [f"{kind}: {operation.method.upper()} {operation.path}: {failure.title}"
                             + (f"\n{(fuzz.app.last_exception or '')[-1500:]}" if response.status_code >= 500 else "")
                             for failure in group.exceptions]
    assert not failures, "\n".join(failures)
