"""Every change to a Piano di Zona, with its rules. Each function is one transaction and raises a
``ValidationError`` with a message the planning office understands; nothing is written when it does."""

import re
from datetime import date
from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from ambito.accounts.models import Organisation
from ambito.accounts.selectors import scope_for
from ambito.accounts.services import atomic_service
from ambito.core.concurrency import save_versioned
from ambito.network.taxonomy import Area, Leps, ServiceType
from ambito.planning import rules
from ambito.planning.models import (
    EDITABLE_STATES,
    AgreementParty,
    BudgetLine,
    CarryOver,
    CommentStatus,
    ConsultationComment,
    ConsultationSection,
    Contribution,
    ContributionStatus,
    CoprogrammingTable,
    FundingSource,
    Indicator,
    IndicatorTarget,
    Intervention,
    Lea,
    Meeting,
    Objective,
    Plan,
    PlanState,
    PlanVersion,
    SessionKind,
    SessionParticipant,
    StaffPosition,
    StaffProfile,
    TrainingSession,
)
from ambito.planning.selectors import budget_checks, plan_snapshot
from ambito.territory.models import Comune

CENT = Decimal("0.01")


# --- Guards ------------------------------------------------------------------------------------------------


def _require_editor(actor, plan):
    if not rules.can_edit_plan(actor, plan):
        raise PermissionDenied(_("Only the planning office of this Ambito can change the plan."))


def _require_editable(plan):
    """Approved content is frozen (the Accordo di Programma was signed on it)."""
    if plan.state not in EDITABLE_STATES:
        raise ValidationError(
            _("Version %(version)s of this plan is approved and frozen: start a new version to change it.")
            % {"version": plan.current_version}, code="frozen")


def _locked_plan(plan) -> Plan:
    """Re-read the plan under a row lock so two transitions or edits cannot interleave."""
    return Plan.objects.select_for_update().get(pk=plan.pk)


def _edit(actor, plan) -> Plan:
    plan = _locked_plan(plan)
    _require_editor(actor, plan)
    _require_editable(plan)
    return plan


def parse_amount(raw, *, allow_blank=False) -> Decimal | None:
    """An amount in euro with at most two decimals, not negative. Accepts 1234.5, "1.234,50", "1234,50"."""
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        if allow_blank:
            return None
        raise ValidationError(_("Enter an amount."), code="required")
    if isinstance(raw, bool):
        raise ValidationError(_("“%(value)s” is not an amount in euro.") % {"value": raw}, code="invalid")
    if isinstance(raw, Decimal):
        value = raw
    elif isinstance(raw, int | float):
        value = Decimal(str(raw))
    else:
        text = str(raw).strip().replace("€", "").replace(" ", "").replace("\u00a0", "")
        if "," in text or re.fullmatch(r"\d{1,3}(\.\d{3})+", text):  # Italian: 1.234,50 or 1.234
            text = text.replace(".", "").replace(",", ".")
        try:
            value = Decimal(text)
        except InvalidOperation:
            raise ValidationError(_("“%(value)s” is not an amount in euro.") % {"value": raw},
                                  code="invalid") from None
    if not value.is_finite():
        raise ValidationError(_("“%(value)s” is not an amount in euro.") % {"value": raw}, code="invalid")
    if value < 0:
        raise ValidationError(_("The amount cannot be negative (%(value)s).") % {"value": raw}, code="negative")
    if value >= Decimal("1e12"):  # before quantize, which cannot represent a huge value with two decimals
        raise ValidationError(_("The amount is too large (%(value)s).") % {"value": raw}, code="too_large")
    if value != value.quantize(CENT):
        raise ValidationError(_("Amounts in euro have at most two decimals (%(value)s).") % {"value": raw},
                              code="decimals")
    return value.quantize(CENT)


# --- Plan and lifecycle ------------------------------------------------------------------------------------


@atomic_service
def plan_create(*, actor, ambito, title: str, start_year: int) -> Plan:
    """A new *Piano di Zona* for the triennium starting in ``start_year``, in draft, at version 1."""
    probe = Plan(ambito=ambito)
    _require_editor(actor, probe)
    if Plan.objects.filter(ambito=ambito, start_year=start_year).exclude(state=PlanState.CLOSED).exists():
        raise ValidationError(_("The Ambito already has a plan for the triennium starting in %(year)s.")
                              % {"year": start_year})
    plan = Plan.objects.create(ambito=ambito, title=title.strip(), start_year=start_year, end_year=start_year + 2,
                               created_by=actor)
    PlanVersion.objects.create(plan=plan, number=1, created_by=actor)
    return plan


@atomic_service
def plan_update(*, actor, plan, expected_version: int | None, title: str, needs_narrative: str) -> Plan:
    _edit(actor, plan)
    plan.title, plan.needs_narrative = title.strip(), needs_narrative
    return save_versioned(plan, expected_version=expected_version, fields=["title", "needs_narrative"])


TRANSITIONS = {
    # action: (from states, to state)
    "start_coprogramming": ({PlanState.DRAFT}, PlanState.COPROGRAMMING),
    "open_consultation": ({PlanState.COPROGRAMMING}, PlanState.CONSULTATION),
    "approve": ({PlanState.CONSULTATION}, PlanState.APPROVED),
    "put_in_force": ({PlanState.APPROVED}, PlanState.IN_FORCE),
    "close": ({PlanState.IN_FORCE}, PlanState.CLOSED),
    "start_revision": ({PlanState.APPROVED, PlanState.IN_FORCE}, PlanState.DRAFT),
}


def transition_label(action: str) -> str:
    return {
        "start_coprogramming": _("Start co-programming"),
        "open_consultation": _("Open public consultation"),
        "approve": _("Approve (Accordo di Programma signed)"),
        "put_in_force": _("Put in force"),
        "close": _("Close the plan"),
        "start_revision": _("Start a new version"),
    }[action]


def available_transitions(plan) -> list[str]:
    return [action for action, (sources, _target) in TRANSITIONS.items() if plan.state in sources]


def _check_transition(plan, action: str) -> list[str]:
    """Why ``action`` cannot be taken now (empty list: it can)."""
    if plan.state == PlanState.COPROGRAMMING and action == "open_consultation":
        problems = []
        if not plan.interventions.exists():
            problems.append(_("Add at least one intervention before opening the consultation."))
        open_contributions = plan.contributions.filter(status=ContributionStatus.SUBMITTED).count()
        if open_contributions:
            problems.append(_("%(count)s contributions of the Third Sector still wait for a decision.")
                            % {"count": open_contributions})
        return problems
    if action == "start_coprogramming" and not plan.objectives.exists():
        return [_("Add at least one strategic objective before starting co-programming.")]
    if action == "approve":
        problems = []
        parties = list(plan.parties.select_related("organisation"))
        if not parties:
            problems.append(_("List the parties to the Accordo di Programma before approving."))
        missing = [p.organisation.name for p in parties if p.required and not p.signed]
        if missing:
            problems.append(_("The Accordo di Programma still lacks the signature of: %(parties)s.")
                            % {"parties": ", ".join(missing)})
        pending = plan.comments.filter(status=CommentStatus.PENDING).count()
        if pending:
            problems.append(_("%(count)s consultation comments still wait for moderation.") % {"count": pending})
        problems += budget_checks(plan=plan)
        return problems
    return []


@atomic_service
def plan_transition(*, actor, plan, action: str, reason: str = "") -> Plan:
    """Move the plan along its lifecycle: draft → co-programming → public consultation → approved
    (Accordo di Programma signed by every required party) → in force → closed; or start a new version of
    an approved plan. Approval freezes a snapshot of the content in the current version."""
    if action not in TRANSITIONS:
        raise ValidationError(_("Unknown action “%(action)s”.") % {"action": action}, code="unknown")
    plan = _locked_plan(plan)
    _require_editor(actor, plan)
    sources, target = TRANSITIONS[action]
    if plan.state not in sources:
        raise ValidationError(
            _("“%(action)s” is not possible while the plan is “%(state)s”.")
            % {"action": transition_label(action), "state": plan.get_state_display()}, code="out_of_order")
    problems = _check_transition(plan, action)
    if problems:
        raise ValidationError(problems, code="blocked")
    now = timezone.now()
    fields = ["state"]
    if action == "open_consultation":
        plan.consultation_opened_at = now
        fields.append("consultation_opened_at")
    elif action == "approve":
        plan.approved_at = now
        fields.append("approved_at")
        PlanVersion.objects.filter(plan=plan, number=plan.current_version).update(
            frozen=True, content=plan_snapshot(plan), frozen_at=now)
    elif action == "start_revision":
        if not reason.strip():
            raise ValidationError(_("Say why a new version is needed."), code="reason")
        plan.current_version += 1
        fields.append("current_version")
        PlanVersion.objects.create(plan=plan, number=plan.current_version, reason=reason.strip(), created_by=actor)
        # The new version is signed again: the signatures belonged to the previous text (kept in its snapshot).
        plan.parties.update(signed_on=None, signatory="")
    plan.state = target
    plan.version += 1
    plan.save(update_fields=[*fields, "version", "updated_at"])
    return plan


# --- Objectives and interventions --------------------------------------------------------------------------


@atomic_service
def objective_save(*, actor, plan, code: str, title: str, description: str = "", priorities: str = "",
                   objective=None) -> Objective:
    plan = _edit(actor, plan)
    code = code.strip().upper()
    clash = Objective.objects.filter(plan=plan, code=code)
    if objective is not None:
        clash = clash.exclude(pk=objective.pk)
    if clash.exists():
        raise ValidationError(_("The plan already has an objective with code %(code)s.") % {"code": code})
    objective = objective or Objective(plan=plan)
    objective.code, objective.title, objective.description, objective.priorities = code, title, description, \
        priorities
    objective.full_clean()
    objective.save()
    return objective


@atomic_service
def objective_delete(*, actor, objective) -> None:
    _edit(actor, objective.plan)
    objective.delete()


INTERVENTION_FIELDS = ["objective", "code", "title", "description", "area", "target_group", "lead_organisation",
                       "leps", "lea", "service_type", "service", "start_date", "end_date", "planned_total",
                       "always_available"]


def _validate_intervention(plan, data: dict, intervention=None, comuni=None):
    """Check the fields of an intervention; normalise ``code`` and ``planned_total`` in ``data``."""
    errors = {}
    code = (data.get("code") or "").strip().upper()
    data["code"] = code
    if not code:
        errors["code"] = _("Give the intervention a short code, e.g. I01.")
    elif Intervention.objects.filter(plan=plan, code=code).exclude(pk=getattr(intervention, "pk", None)).exists():
        errors["code"] = _("The plan already has an intervention with code %(code)s.") % {"code": code}
    if data.get("area") not in Area.values:
        errors["area"] = _("Choose an area of intervention.")
    if data.get("service_type") and data["service_type"] not in ServiceType.values:
        errors["service_type"] = _("Unknown service type.")
    unknown = [v for v in data.get("leps") or [] if v not in Leps.values]
    if unknown:
        errors["leps"] = _("Unknown LEPS: %(codes)s.") % {"codes": ", ".join(unknown)}
    unknown = [v for v in data.get("lea") or [] if v not in Lea.values]
    if unknown:
        errors["lea"] = _("Unknown LEA: %(codes)s.") % {"codes": ", ".join(unknown)}
    objective = data.get("objective")
    if objective is not None and objective.plan_id != plan.pk:
        errors["objective"] = _("The objective belongs to another plan.")
    start, end = data.get("start_date"), data.get("end_date")
    if start and end and end < start:
        errors["end_date"] = _("The end comes before the start.")
    for name, value in (("start_date", start), ("end_date", end)):
        if value and not (plan.start_year <= value.year <= plan.end_year):
            errors[name] = _("Dates must fall within the triennium %(start)s–%(end)s.") % {
                "start": plan.start_year, "end": plan.end_year}
    if data.get("planned_total") not in (None, ""):
        try:
            data["planned_total"] = parse_amount(data["planned_total"])
        except ValidationError as exc:
            errors["planned_total"] = exc.messages[0]
    else:
        data["planned_total"] = None
    service = data.get("service")
    if service is not None and service.ambito_id != plan.ambito_id:
        errors["service"] = _("The service belongs to another Ambito.")
    if comuni is not None and any(c.ambito_id != plan.ambito_id for c in comuni):
        errors["comuni"] = _("Only Comuni of the plan's Ambito can be covered.")
    if errors:
        raise ValidationError(errors)


@atomic_service
def intervention_create(*, actor, plan, comuni=None, partners=None, **data) -> Intervention:
    plan = _edit(actor, plan)
    data = {"leps": [], "lea": [], **data}
    _validate_intervention(plan, data, comuni=comuni)
    intervention = Intervention.objects.create(plan=plan, **{k: v for k, v in data.items()
                                                              if k in INTERVENTION_FIELDS})
    intervention.comuni.set(comuni if comuni is not None else Comune.objects.filter(ambito_id=plan.ambito_id))
    intervention.partners.set(partners or [])
    return intervention


@atomic_service
def intervention_update(*, actor, intervention, expected_version: int | None, comuni=None, partners=None,
                        **data) -> Intervention:
    """Save an intervention edited in a form; refused if someone else saved it since it was opened."""
    plan = _edit(actor, intervention.plan)
    merged = {name: getattr(intervention, name) for name in INTERVENTION_FIELDS} | data
    _validate_intervention(plan, merged, intervention, comuni=comuni)
    for name in INTERVENTION_FIELDS:
        setattr(intervention, name, merged[name])
    intervention.code = merged["code"]
    intervention.planned_total = merged["planned_total"]
    fields = [f if f not in ("objective", "lead_organisation", "service") else f + "_id"
              for f in INTERVENTION_FIELDS]
    save_versioned(intervention, expected_version=expected_version, fields=fields)
    if comuni is not None:
        intervention.comuni.set(comuni)
    if partners is not None:
        intervention.partners.set(partners)
    return intervention


@atomic_service
def intervention_delete(*, actor, intervention) -> None:
    _edit(actor, intervention.plan)
    intervention.delete()


@atomic_service
def intervention_progress_update(*, actor, intervention, expected_version: int | None, progress: int,
                                 note: str = "") -> Intervention:
    """Progress (0–100%) is monitoring, not plan content: it is recorded while the plan is in force."""
    plan = _locked_plan(intervention.plan)
    _require_editor(actor, plan)
    if plan.state not in (PlanState.APPROVED, PlanState.IN_FORCE):
        raise ValidationError(_("Progress is recorded once the plan is approved."), code="not_in_force")
    if not isinstance(progress, int) or not 0 <= progress <= 100:
        raise ValidationError(_("Progress is a percentage between 0 and 100."), code="progress")
    intervention.progress, intervention.progress_note = progress, note
    return save_versioned(intervention, expected_version=expected_version, fields=["progress", "progress_note"])


@atomic_service
def indicator_save(*, actor, intervention, name: str, unit: str = "", baseline=None, baseline_year=None,
                   lower_is_better: bool = False, targets: dict | None = None, indicator=None) -> Indicator:
    """An indicator with its baseline and a target for each year of the triennium."""
    plan = _edit(actor, intervention.plan)
    if not name.strip():
        raise ValidationError(_("Name the indicator."))
    bad_years = [y for y in (targets or {}) if int(y) not in plan.years]
    if bad_years:
        raise ValidationError(_("Targets can be set only for the years %(start)s–%(end)s.")
                              % {"start": plan.start_year, "end": plan.end_year})
    indicator = indicator or Indicator(intervention=intervention)
    indicator.name, indicator.unit, indicator.lower_is_better = name.strip(), unit, lower_is_better
    indicator.baseline = None if baseline in (None, "") else Decimal(str(baseline))
    indicator.baseline_year = baseline_year or None
    indicator.save()
    for year, value in (targets or {}).items():
        if value in (None, ""):
            IndicatorTarget.objects.filter(indicator=indicator, year=int(year)).delete()
            continue
        IndicatorTarget.objects.update_or_create(indicator=indicator, year=int(year),
                                                 defaults={"value": Decimal(str(value))})
    return indicator


# --- Budget ------------------------------------------------------------------------------------------------


def _set_cell(intervention, year: int, source: str, comune, amount: Decimal | None):
    lookup = {"intervention": intervention, "year": year, "source": source, "comune": comune}
    if amount is None:
        BudgetLine.objects.filter(**lookup).delete()
    else:
        BudgetLine.objects.update_or_create(**lookup, defaults={"amount": amount})


@atomic_service
def budget_row_set(*, actor, intervention, year: int, amounts: dict) -> None:
    """Set one intervention's budget for one year: ``amounts`` maps a column key ("fnps", …,
    "comune:<ISTAT code>") to an amount, or to blank to remove the line. All cells are checked first."""
    from ambito.planning.selectors import budget_columns

    plan = _edit(actor, intervention.plan)
    if year not in plan.years:
        raise ValidationError(_("%(year)s is outside the triennium %(start)s–%(end)s.")
                              % {"year": year, "start": plan.start_year, "end": plan.end_year}, code="year")
    columns = {c.key: c for c in budget_columns(plan)}
    errors, parsed = {}, {}
    for key, raw in amounts.items():
        if key not in columns:
            errors[key] = _("Unknown funding source “%(source)s”.") % {"source": key}
            continue
        try:
            parsed[key] = parse_amount(raw, allow_blank=True)
        except ValidationError as exc:
            errors[key] = exc.messages[0]
    if errors:
        raise ValidationError(errors)
    for key, amount in parsed.items():
        column = columns[key]
        _set_cell(intervention, year, column.source, column.comune_id and Comune(pk=column.comune_id), amount)


@atomic_service
def carry_over_set(*, actor, plan, source: str, amount, comune=None, note: str = "") -> CarryOver | None:
    """Unspent funds of the previous plan (*residui*) by source; a blank amount removes it."""
    plan = _edit(actor, plan)
    if source not in FundingSource.values:
        raise ValidationError(_("Unknown funding source “%(source)s”.") % {"source": source})
    if (source == FundingSource.COMUNE) != (comune is not None):
        raise ValidationError(_("A Comune is given for the Comuni's own funds, and only for them."))
    value = parse_amount(amount, allow_blank=True)
    if value is None:
        CarryOver.objects.filter(plan=plan, source=source, comune=comune).delete()
        return None
    carry, _created = CarryOver.objects.update_or_create(plan=plan, source=source, comune=comune,
                                                         defaults={"amount": value, "note": note})
    return carry


@atomic_service
def budget_import(*, actor, plan, data: bytes):
    """Import the budget spreadsheet (one sheet per year, rows interventions, columns sources): every
    sheet in the file replaces that year's budget. All or nothing: any bad cell rejects the whole file,
    with a report naming each bad row."""
    from ambito.planning.budget_xlsx import read_budget_xlsx

    plan = _edit(actor, plan)
    parsed = read_budget_xlsx(plan, data)  # raises ImportRejected with every error found
    interventions = {i.code: i for i in Intervention.objects.filter(plan=plan)}
    years = sorted(parsed)
    BudgetLine.objects.filter(intervention__plan=plan, year__in=years).delete()
    BudgetLine.objects.bulk_create([
        BudgetLine(intervention=interventions[code], year=year, source=column.source,
                   comune_id=column.comune_id, amount=amount)
        for year in years for code, cells in parsed[year].items() for column, amount in cells
    ])
    return {"years": years, "lines": sum(len(cells) for y in years for cells in parsed[y].values())}


# --- Staffing, training and supervision --------------------------------------------------------------------


@atomic_service
def staff_position_add(*, actor, intervention, profile: str, fte, employer: Organisation,
                       permanent: bool = True) -> StaffPosition:
    plan = _edit(actor, intervention.plan)
    if profile not in StaffProfile.values:
        raise ValidationError(_("Unknown professional profile."))
    try:
        value = Decimal(str(fte).replace(",", "."))
    except InvalidOperation:
        raise ValidationError(_("“%(value)s” is not a number of full-time equivalents.") % {"value": fte}) from None
    if not value.is_finite() or value <= 0 or value > 1000:
        raise ValidationError(_("Full-time equivalents must be a positive number, e.g. 0.5 or 3."))
    if employer.ambito_id not in (plan.ambito_id, None):
        raise ValidationError(_("The employer works in another Ambito."))
    return StaffPosition.objects.create(intervention=intervention, profile=profile, fte=value.quantize(CENT),
                                        employer=employer, permanent=permanent)


@atomic_service
def staff_position_remove(*, actor, position) -> None:
    _edit(actor, position.intervention.plan)
    position.delete()


@atomic_service
def training_session_record(*, actor, plan, kind: str, title: str, on: date, hours, participants,
                            led_by: str = "") -> TrainingSession:
    """A course or supervision session with its participants ``[(name, organisation), …]``; the LEPS
    supervision check (16 hours a year per worker) reads these records. Recorded in any state: it is
    a record of what happened, not plan content."""
    plan = _locked_plan(plan)
    _require_editor(actor, plan)
    if kind not in SessionKind.values:
        raise ValidationError(_("Choose training or supervision."))
    try:
        hours = Decimal(str(hours).replace(",", "."))
    except InvalidOperation:
        raise ValidationError(_("“%(value)s” is not a number of hours.") % {"value": hours}) from None
    if not hours.is_finite() or hours <= 0 or hours > 200:
        raise ValidationError(_("Hours must be a positive number."))
    names = [(name.strip(), org) for name, org in participants if name.strip()]
    if not names:
        raise ValidationError(_("List at least one participant."))
    session = TrainingSession.objects.create(plan=plan, kind=kind, title=title, date=on, hours=hours,
                                             led_by=led_by)
    SessionParticipant.objects.bulk_create([SessionParticipant(session=session, name=n, organisation=o)
                                            for n, o in dict(names).items()])
    return session


# --- Co-programming ----------------------------------------------------------------------------------------


@atomic_service
def table_create(*, actor, plan, name: str, area: str = "", description: str = "",
                 participants=()) -> CoprogrammingTable:
    """A thematic table (*tavolo di co-programmazione*, art. 55 D.Lgs. 117/2017)."""
    plan = _edit(actor, plan)
    table = CoprogrammingTable.objects.create(plan=plan, name=name, area=area, description=description)
    table.participants.set(participants)
    return table


@atomic_service
def meeting_record(*, actor, table, on: date, place: str = "", attendees=(), people_present: int = 0,
                   minutes: str = "") -> Meeting:
    _edit(actor, table.plan)
    meeting = Meeting.objects.create(table=table, date=on, place=place, people_present=people_present,
                                     minutes=minutes)
    meeting.attendees.set(attendees)
    return meeting


@atomic_service
def contribution_submit(*, actor, plan, organisation: Organisation, title: str, text: str, table=None,
                        objective=None, intervention=None, attachment=None) -> Contribution:
    """A proposal of an ETS, made on behalf of the organisation (several people of one entity) while
    the plan is in co-programming. The planning office may also record one received on paper."""
    plan = _locked_plan(plan)
    if rules.can_edit_plan(actor, plan):
        if plan.state != PlanState.COPROGRAMMING:
            raise ValidationError(_("Contributions are collected while the plan is in co-programming."))
    elif not rules.can_contribute(actor, plan):
        raise PermissionDenied(_("Contributions are collected from the Third Sector while the plan is in "
                                 "co-programming."))
    elif organisation.id not in scope_for(actor).organisation_ids():
        raise PermissionDenied(_("You can contribute only on behalf of your own organisation."))
    if not title.strip() or not text.strip():
        raise ValidationError(_("Give the contribution a title and a text."))
    for linked in (objective, intervention, table):
        if linked is not None and linked.plan_id != plan.pk:
            raise ValidationError(_("The contribution must refer to this plan."))
    contribution = Contribution(plan=plan, organisation=organisation, submitted_by=actor, title=title.strip(),
                                text=text.strip(), table=table, objective=objective, intervention=intervention)
    if attachment is not None:
        contribution.attachment = attachment
    contribution.save()
    return contribution


@atomic_service
def contribution_decide(*, actor, contribution, status: str, reason: str = "", intervention=None) -> Contribution:
    """Accept, merge into an intervention, or decline (a reason is required) an ETS contribution."""
    plan = _edit(actor, contribution.plan)
    if status not in (ContributionStatus.ACCEPTED, ContributionStatus.MERGED, ContributionStatus.DECLINED):
        raise ValidationError(_("Choose accepted, merged or declined."))
    if status == ContributionStatus.DECLINED and not reason.strip():
        raise ValidationError(_("Say why the contribution is declined: the organisation will read it."),
                              code="reason")
    if status == ContributionStatus.MERGED:
        intervention = intervention or contribution.intervention
        if intervention is None:
            raise ValidationError(_("Choose the intervention the contribution is merged into."))
    if intervention is not None:
        if intervention.plan_id != plan.pk:
            raise ValidationError(_("The contribution must refer to this plan."))
        contribution.intervention = intervention
    contribution.status, contribution.reason, contribution.decided_at = status, reason.strip(), timezone.now()
    contribution.save(update_fields=["status", "reason", "decided_at", "intervention"])
    return contribution


# --- Public consultation -----------------------------------------------------------------------------------


@atomic_service
def comment_submit(*, actor, plan, section: str, text: str, on_behalf_of=None) -> ConsultationComment:
    """A comment of the public consultation; published only after moderation, never with its author."""
    plan = _locked_plan(plan)
    if not rules.can_comment(actor, plan):
        raise ValidationError(_("Comments are accepted only while the plan is in public consultation."),
                              code="closed")
    if section not in ConsultationSection.values:
        raise ValidationError(_("Choose the section you are commenting on."))
    if not text.strip():
        raise ValidationError(_("Write your comment."))
    if len(text) > 4000:
        raise ValidationError(_("A comment can be at most 4,000 characters long."))
    return ConsultationComment.objects.create(plan=plan, section=section, text=text.strip(), author=actor,
                                              on_behalf_of=on_behalf_of)


@atomic_service
def comment_moderate(*, actor, comment, publish: bool, answer: str = "") -> ConsultationComment:
    """Publish or reject a comment (rejected: offensive, off-topic or containing personal data), and
    optionally answer it on behalf of the planning office."""
    plan = _locked_plan(comment.plan)
    _require_editor(actor, plan)
    comment.status = CommentStatus.PUBLISHED if publish else CommentStatus.REJECTED
    comment.moderated_at = timezone.now()
    if answer.strip():
        comment.answer, comment.answered_at = answer.strip(), timezone.now()
    comment.save()
    return comment


# --- Accordo di Programma ----------------------------------------------------------------------------------


@atomic_service
def party_add(*, actor, plan, organisation: Organisation, role: str = "", required: bool = True) -> AgreementParty:
    plan = _edit(actor, plan)
    if AgreementParty.objects.filter(plan=plan, organisation=organisation).exists():
        raise ValidationError(_("%(name)s is already a party to the agreement.") % {"name": organisation.name})
    return AgreementParty.objects.create(plan=plan, organisation=organisation, role=role, required=required)


@atomic_service
def party_sign(*, actor, party, signatory: str, signed_on: date) -> AgreementParty:
    """Record a party's signature of the Accordo di Programma on the text put to consultation."""
    plan = _locked_plan(party.plan)
    _require_editor(actor, plan)
    if plan.state != PlanState.CONSULTATION:
        raise ValidationError(_("The Accordo di Programma is signed on the text of the public consultation."),
                              code="state")
    if not signatory.strip():
        raise ValidationError(_("Name who signed for the party."))
    if signed_on > timezone.localdate():
        raise ValidationError(_("The date of signature cannot be in the future."))
    party.signatory, party.signed_on = signatory.strip(), signed_on
    party.save(update_fields=["signatory", "signed_on"])
    return party
