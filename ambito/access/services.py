"""Writes of the PUA (*Punto Unico di Accesso*, LEPS of L. 234/2021 c. 163): persons, consent, requests and
their lifecycle, triage, UVM assessments, waiting lists. Each function checks the actor's permission, runs in
one transaction and records the touch in the access log (GDPR art. 5(2))."""

import datetime
import re
import statistics
from dataclasses import dataclass
from decimal import Decimal

from codicefiscale import codicefiscale
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from ambito.access import rules as access_rules
from ambito.access.models import (
    OUTCOME_STATUSES,
    TRANSITIONS,
    AccessRequest,
    Assessment,
    AssessmentDecision,
    AssessmentStatus,
    CaregiverBurden,
    Consent,
    EntryStatus,
    IseeBand,
    Person,
    PriorityCriterion,
    PriorityFactor,
    RequestStatus,
    RequestStatusChange,
    Scale,
    ScaleScore,
    ScoreOperator,
    TriageRule,
    Urgency,
    WaitingList,
    WaitingListEntry,
)
from ambito.access.scoring import score_answers
from ambito.accounts.models import AccessAction
from ambito.accounts.services import access_deny, access_log_record, atomic_service
from ambito.network.services import service_update_availability


def _deny(*, actor, record, purpose: str):
    access_deny(actor=actor, record=record, purpose=purpose)


# --- Codice fiscale ------------------------------------------------------------------------------------------

_OMOCODIA = str.maketrans("LMNPQRSTUV", "0123456789")
_MONTHS = "ABCDEHLMPRST"
# Letters and digits where D.M. 23/12/1976 puts them (omocodia letters LMNPQRSTUV in place of digits).
_SHAPE = re.compile(r"[A-Z]{6}[0-9LMNP-V]{2}[ABCDEHLMPRST][0-9LMNP-V]{2}[A-Z][0-9LMNP-V]{3}[A-Z]")


@dataclass(frozen=True)
class FiscalCodeCheck:
    code: str
    birthplace_resolved: bool
    birthplace_name: str


def fiscal_code_check(*, fiscal_code: str, birth_date: datetime.date | None, sex: str | None) -> FiscalCodeCheck:
    """Check an Italian *codice fiscale* (D.P.R. 605/1973, D.M. 23/12/1976) with python-codicefiscale.

    Always blocking: the format, the check character, an impossible date, and a birth date or sex that
    differ from those encoded. Not blocking: a birthplace code missing from the reference list (Comuni since
    merged, some foreign States) — returned as ``birthplace_resolved=False`` for the operator to confirm."""
    code = (fiscal_code or "").strip().upper()
    try:
        # decode_raw is lenient (it drops punctuation, accepts any letter for a digit): check the shape first.
        if not _SHAPE.fullmatch(code):
            raise ValueError(code)
        raw = codicefiscale.decode_raw(code)
    except ValueError:
        raise ValidationError(
            {"fiscal_code": _("The codice fiscale is not well formed: it has 16 letters and digits in a fixed "
                              "pattern (e.g. RSSMRA40B01F704U).")}, code="fiscal_code_format") from None
    if codicefiscale.encode_cin(code) != raw["cin"]:
        raise ValidationError({"fiscal_code": _("The codice fiscale's last character (check character) is wrong: "
                                                "check for a typing error.")}, code="fiscal_code_checksum")
    year = int(raw["birthdate_year"].translate(_OMOCODIA))
    month = _MONTHS.index(raw["birthdate_month"]) + 1
    day = int(raw["birthdate_day"].translate(_OMOCODIA))
    coded_sex = "F" if day > 40 else "M"
    day = day - 40 if day > 40 else day
    # The century is not in the code: any century makes the same day valid, except 29 February.
    if not any(_valid_date(century + year, month, day) for century in (1900, 2000)):
        raise ValidationError({"fiscal_code": _("The codice fiscale contains an impossible birth date.")},
                              code="fiscal_code_date")
    errors = {}
    if birth_date is not None and (birth_date.year % 100, birth_date.month, birth_date.day) != (year, month, day):
        errors["birth_date"] = _("The birth date does not match the codice fiscale (it encodes %(d)02d/%(m)02d/"
                                 "..%(y)02d).") % {"d": day, "m": month, "y": year}
    if sex and sex != coded_sex:
        errors["sex"] = _("The sex does not match the codice fiscale.")
    if errors:
        raise ValidationError(errors, code="fiscal_code_mismatch")
    try:
        decoded = codicefiscale.decode(code)
        place = decoded.get("birthplace") or {}
        return FiscalCodeCheck(code=code, birthplace_resolved=bool(place), birthplace_name=place.get("name", ""))
    except ValueError:
        return FiscalCodeCheck(code=code, birthplace_resolved=False, birthplace_name="")


def _valid_date(year, month, day) -> bool:
    try:
        datetime.date(year, month, day)
    except ValueError:
        return False
    return True


# --- Persons -------------------------------------------------------------------------------------------------

PERSON_FIELDS = ["fiscal_code", "first_name", "last_name", "birth_date", "sex", "residence_comune", "address",
                 "phone", "email", "lives_alone", "household_notes"]


def person_duplicates(*, fiscal_code: str = "", first_name: str, last_name: str, birth_date, exclude_pk=None):
    """Possible duplicates across the whole register (not only the actor's scope: a duplicate must be found
    even when it lives in another Comune). Same codice fiscale, or same names and birth date."""
    q = Q(first_name__iexact=first_name.strip(), last_name__iexact=last_name.strip(), birth_date=birth_date)
    if fiscal_code:
        q |= Q(fiscal_code=fiscal_code.strip().upper())
    return Person.objects.filter(q).exclude(pk=exclude_pk)


def _person_validate(*, fields: dict, confirm_birthplace: bool, confirm_homonym: bool, exclude_pk=None) -> dict:
    fields = dict(fields)
    for name in ("first_name", "last_name"):
        fields[name] = (fields.get(name) or "").strip()
        if not fields[name]:
            raise ValidationError({name: _("This field is required.")})
    fields["fiscal_code"] = (fields.get("fiscal_code") or "").strip().upper()
    birthplace_override = False
    if fields["fiscal_code"]:
        check = fiscal_code_check(fiscal_code=fields["fiscal_code"], birth_date=fields.get("birth_date"),
                                  sex=fields.get("sex"))
        if not check.birthplace_resolved:
            if not confirm_birthplace:
                raise ValidationError({"fiscal_code": ValidationError(
                    _("The birthplace in the codice fiscale is not in the reference list of Comuni and foreign "
                      "States. Check the document and confirm to continue."), code="birthplace_unresolved")})
            birthplace_override = True
    duplicates = person_duplicates(fiscal_code=fields["fiscal_code"], first_name=fields["first_name"],
                                   last_name=fields["last_name"], birth_date=fields["birth_date"],
                                   exclude_pk=exclude_pk)
    same_code = [p for p in duplicates if fields["fiscal_code"] and p.fiscal_code == fields["fiscal_code"]]
    if same_code:
        raise ValidationError({"fiscal_code": ValidationError(
            _("A person with this codice fiscale is already registered (%(pseudonym)s): open that record instead "
              "of creating a new one.") % {"pseudonym": same_code[0].pseudonym}, code="duplicate_fiscal_code")})
    if duplicates and not confirm_homonym:
        raise ValidationError(
            _("A person with the same name and birth date is already registered (%(pseudonyms)s). If this is "
              "a different person, confirm to continue.") % {
                "pseudonyms": ", ".join(p.pseudonym for p in duplicates[:3])},
            code="possible_duplicate")
    fields["birthplace_override"] = birthplace_override
    return fields


@atomic_service
def person_create(*, actor, confirm_birthplace: bool = False, confirm_homonym: bool = False, **fields) -> Person:
    """Register a person at the PUA (*anagrafica*). The codice fiscale is checked, duplicates are refused
    (same code) or need confirmation (same names and birth date); the pseudonym is random."""
    unknown = set(fields) - set(PERSON_FIELDS)
    if unknown:
        raise ValueError(f"unknown person fields: {sorted(unknown)}")
    comune = fields.get("residence_comune")
    if comune is None:
        raise ValidationError({"residence_comune": _("This field is required.")})
    from ambito.accounts.selectors import scope_for

    scope = scope_for(actor)
    if not access_rules.can_register_person(actor) or comune.id not in scope.comune_ids(
            *access_rules.PERSON_ROLES, access_rules.Role.GP):
        raise PermissionDenied(_("You cannot register persons resident in this Comune."))
    fields = _person_validate(fields=fields, confirm_birthplace=confirm_birthplace, confirm_homonym=confirm_homonym)
    person = Person.objects.create(ambito_id=comune.ambito_id, created_by=actor, **fields)
    access_log_record(actor=actor, record=person, action=AccessAction.CREATE, purpose="PUA registration")
    return person


@atomic_service
def person_update(*, actor, person: Person, expected_version: int | None = None, confirm_birthplace: bool = False,
                  confirm_homonym: bool = True, **fields) -> Person:
    """Edit a person's record; optimistic locking refuses a save based on a stale copy."""
    from ambito.core.concurrency import save_versioned

    if not access_rules.can_edit_person(actor, person):
        _deny(actor=actor, record=person, purpose="edit a person outside the actor's scope")
    unknown = set(fields) - set(PERSON_FIELDS)
    if unknown:
        raise ValueError(f"unknown person fields: {sorted(unknown)}")
    merged = {name: getattr(person, name) for name in PERSON_FIELDS} | fields
    if not fields.get("fiscal_code", person.fiscal_code) or person.birthplace_override:
        confirm_birthplace = True
    merged = _person_validate(fields=merged, confirm_birthplace=confirm_birthplace, confirm_homonym=confirm_homonym,
                              exclude_pk=person.pk)
    for name, value in merged.items():
        setattr(person, name, value)
    person.updated_at = timezone.now()
    save_versioned(person, expected_version=expected_version, fields=[*merged.keys(), "updated_at"])
    access_log_record(actor=actor, record=person, action=AccessAction.UPDATE, purpose="PUA record update")
    return person


@atomic_service
def person_share(*, actor, person: Person, organisation) -> Person:
    """Share a person with another organisation's social service (e.g. the person moves Comune)."""
    if not access_rules.can_edit_person(actor, person):
        _deny(actor=actor, record=person, purpose="share a person outside the actor's scope")
    person.shared_with.add(organisation)
    access_log_record(actor=actor, record=person, action=AccessAction.UPDATE,
                      purpose=f"shared with organisation #{organisation.pk}")
    return person


@atomic_service
def consent_record(*, actor, person: Person, kind: str, given: bool = True, notice_version: str = "",
                   note: str = "", at=None) -> Consent:
    """Record an information notice given or a consent given/refused (GDPR art. 7 and 13). A refusal or
    withdrawal closes the consent of that kind in force."""
    if not access_rules.can_edit_person(actor, person):
        _deny(actor=actor, record=person, purpose="record consent outside the actor's scope")
    at = at or timezone.now()
    if not given:
        Consent.objects.filter(person=person, kind=kind, given=True, withdrawn_at__isnull=True).update(withdrawn_at=at)
    consent = Consent.objects.create(person=person, kind=kind, given=given, notice_version=notice_version,
                                     note=note, recorded_at=at, recorded_by=actor)
    access_log_record(actor=actor, record=person, action=AccessAction.UPDATE, purpose=f"consent {kind}")
    return consent


# --- Requests ------------------------------------------------------------------------------------------------

TIMESTAMP_FIELD = {
    RequestStatus.TRIAGED: "triaged_at",
    RequestStatus.ASSESSMENT: "assessment_at",
    RequestStatus.CARE_PLAN: "outcome_at",
    RequestStatus.REFERRED: "outcome_at",
    RequestStatus.INFORMATION: "outcome_at",
    RequestStatus.CLOSED: "closed_at",
}


@atomic_service
def request_create(*, actor, person: Person, channel: str, need: str, area: str, urgency: int = Urgency.NORMAL,
                   brought_by_organisation=None, at=None) -> AccessRequest:
    """Record a request for help (*domanda di accesso*) from any door. The responsible Comune is the person's
    Comune of residence; ``at`` backdates only imports and demo data, never user input."""
    if not access_rules.can_send_request(actor) or not (
            access_rules.can_edit_person(actor, person) or access_rules.scope_for(actor).has(access_rules.Role.GP)):
        _deny(actor=actor, record=person, purpose="send a request for a person outside the actor's scope")
    if not (need or "").strip():
        raise ValidationError({"need": _("Describe the need.")})
    at = at or timezone.now()
    if brought_by_organisation is None:
        from ambito.accounts.selectors import scope_for

        organisation_ids = sorted(scope_for(actor).organisation_ids())
        brought_by_organisation_id = organisation_ids[0] if organisation_ids else None
    else:
        brought_by_organisation_id = brought_by_organisation.pk
    request = AccessRequest.objects.create(
        ambito_id=person.ambito_id, person=person, comune_id=person.residence_comune_id, channel=channel,
        brought_by=actor, brought_by_organisation_id=brought_by_organisation_id, need=need.strip(), area=area,
        urgency=urgency, received_at=at, status=RequestStatus.RECEIVED)
    RequestStatusChange.objects.create(request=request, from_status="", to_status=RequestStatus.RECEIVED, at=at,
                                       actor=actor)
    access_log_record(actor=actor, record=request, action=AccessAction.CREATE, purpose="access request")
    return request


def _transition(*, actor, request: AccessRequest, to_status: str, note: str = "", at=None,
                extra_fields=()) -> AccessRequest:
    locked = AccessRequest.objects.select_for_update().get(pk=request.pk)
    if locked.status == RequestStatus.CLOSED:
        raise ValidationError(_("This request is closed: its status can no longer change."), code="closed")
    if to_status not in TRANSITIONS[RequestStatus(locked.status)]:
        raise ValidationError(
            _("A request cannot go from “%(from)s” to “%(to)s”.") % {
                "from": RequestStatus(locked.status).label, "to": RequestStatus(to_status).label},
            code="bad_transition")
    at = at or timezone.now()
    previous = locked.status
    request.status = to_status
    setattr(request, TIMESTAMP_FIELD[to_status], at)
    fields = ["status", TIMESTAMP_FIELD[to_status], *extra_fields]
    if to_status in OUTCOME_STATUSES and note:
        request.outcome_note = note
        fields.append("outcome_note")
    AccessRequest.objects.filter(pk=request.pk).update(
        **{name: getattr(request, name) for name in fields}, version=F("version") + 1)
    request.version = locked.version + 1
    RequestStatusChange.objects.create(request=request, from_status=previous, to_status=to_status, at=at,
                                       actor=actor, note=note[:300])
    access_log_record(actor=actor, record=request, action=AccessAction.UPDATE, purpose=f"status {to_status}")
    return request


@atomic_service
def request_transition(*, actor, request: AccessRequest, to_status: str, note: str = "", at=None) -> AccessRequest:
    """Move a request along its lifecycle (received → triaged → assessment → care plan / referred /
    information → closed). Every move is timestamped in ``RequestStatusChange``; a closed request never moves."""
    if not access_rules.can_work_on_request(actor, request):
        _deny(actor=actor, record=request, purpose="change a request outside the actor's scope")
    if to_status not in RequestStatus.values:
        raise ValidationError(_("Unknown status."), code="bad_transition")
    return _transition(actor=actor, request=request, to_status=to_status, note=note, at=at)


# --- Triage --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class TriageProposal:
    rule: TriageRule | None
    triage_kind: str
    outcome: str
    explanation: str
    inputs: dict


_COMPARE = {
    ScoreOperator.LT: lambda a, b: a < b,
    ScoreOperator.LTE: lambda a, b: a <= b,
    ScoreOperator.GT: lambda a, b: a > b,
    ScoreOperator.GTE: lambda a, b: a >= b,
}


def triage_evaluate(*, request: AccessRequest, screening: dict | None = None) -> TriageProposal:
    """Apply the Ambito's triage rules (data, in order; the first match wins) and explain the result.

    ``screening`` holds scale scores known at the desk, e.g. the Barthel in a hospital discharge letter
    ({"barthel": 45}); a rule on a scale without a screening value uses the person's latest scored value."""
    screening = {k: Decimal(str(v)) for k, v in (screening or {}).items() if v not in (None, "")}
    rules_ = list(TriageRule.objects.filter(ambito_id=request.ambito_id, active=True).select_related("scale"))
    latest = {}
    scale_codes = {r.scale.code for r in rules_ if r.scale_id} - set(screening)
    if scale_codes:
        for row in (ScaleScore.objects.filter(assessment__person_id=request.person_id, scale__code__in=scale_codes)
                    .order_by("scored_at").values("scale__code", "score")):
            latest[row["scale__code"]] = row["score"]
    values = {**latest, **screening}
    inputs = {"channel": request.channel, "area": request.area, "urgency": request.urgency,
              **{f"score_{k}": str(v) for k, v in values.items()}}
    for rule in rules_:
        reasons = []
        if rule.channel:
            if rule.channel != request.channel:
                continue
            reasons.append(_("channel is %(channel)s") % {"channel": request.get_channel_display()})
        if rule.area:
            if rule.area != request.area:
                continue
            reasons.append(_("area is %(area)s") % {"area": request.get_area_display()})
        if rule.min_urgency:
            if request.urgency < rule.min_urgency:
                continue
            reasons.append(_("urgency at least %(urgency)s") % {"urgency": Urgency(rule.min_urgency).label})
        if rule.scale_id:
            value = values.get(rule.scale.code)
            if value is None or not _COMPARE[rule.score_operator](value, rule.score_threshold):
                continue
            reasons.append(f"{rule.scale.name} {value.normalize():f} {ScoreOperator(rule.score_operator).label} "
                           f"{rule.score_threshold.normalize():f}")
        explanation = _("Rule “%(rule)s” applies: %(reasons)s.") % {
            "rule": rule.name, "reasons": "; ".join(str(r) for r in reasons) or _("always")}
        if rule.explanation:
            explanation += " " + rule.explanation
        return TriageProposal(rule=rule, triage_kind=rule.triage_kind, outcome=rule.outcome, explanation=explanation,
                              inputs=inputs)
    return TriageProposal(rule=None, triage_kind="", outcome="",
                          explanation=_("No triage rule applies: the operator decides."), inputs=inputs)


@atomic_service
def request_triage(*, actor, request: AccessRequest, screening: dict | None = None, triage_kind: str = "",
                   outcome: str = "", note: str = "", at=None) -> AccessRequest:
    """Triage a received request (*decodifica del bisogno*): social, health or socio-health; answered at
    the desk, referred directly, or sent to a UVM. The rules propose; the operator may decide otherwise,
    and the explanation says which happened."""
    if not access_rules.can_work_on_request(actor, request):
        _deny(actor=actor, record=request, purpose="triage a request outside the actor's scope")
    proposal = triage_evaluate(request=request, screening=screening)
    kind = triage_kind or proposal.triage_kind
    chosen = outcome or proposal.outcome
    if not kind or not chosen:
        raise ValidationError(_("No rule applies: choose the triage (social, health, socio-health) and the "
                                "outcome."), code="triage_incomplete")
    explanation = proposal.explanation
    if (kind, chosen) != (proposal.triage_kind, proposal.outcome) and proposal.rule is not None:
        explanation += " " + _("The operator decided otherwise: %(note)s") % {"note": note or "—"}
    elif proposal.rule is None:
        explanation += " " + (note or "")
    request.triage_kind, request.triage_outcome, request.triage_rule = kind, chosen, proposal.rule
    request.triage_inputs, request.triage_explanation = proposal.inputs, explanation.strip()
    return _transition(actor=actor, request=request, to_status=RequestStatus.TRIAGED, note=note, at=at,
                       extra_fields=["triage_kind", "triage_outcome", "triage_rule", "triage_inputs",
                                     "triage_explanation"])


# --- UVM assessments -----------------------------------------------------------------------------------------


@atomic_service
def assessment_schedule(*, actor, request: AccessRequest, scheduled_for: datetime.date, team: list | None = None,
                        at=None) -> Assessment:
    """Convene a UVM for a triaged request; the request moves to "in assessment"."""
    if not access_rules.can_work_on_request(actor, request):
        _deny(actor=actor, record=request, purpose="schedule a UVM outside the actor's scope")
    if request.status == RequestStatus.TRIAGED:
        _transition(actor=actor, request=request, to_status=RequestStatus.ASSESSMENT, at=at)
    elif request.status != RequestStatus.ASSESSMENT:
        raise ValidationError(_("A UVM can be scheduled only for a triaged request."), code="bad_transition")
    assessment = Assessment.objects.create(request=request, person_id=request.person_id, scheduled_for=scheduled_for,
                                           team=list(team or []), created_by=actor)
    access_log_record(actor=actor, record=assessment, action=AccessAction.CREATE, purpose="UVM scheduled")
    return assessment


@atomic_service
def assessment_score(*, actor, assessment: Assessment, scale: Scale, answers: dict, at=None) -> ScaleScore:
    """Score one scale of a UVM from the item answers (the system computes; answers outside the options are
    refused and nothing is saved). Scoring again replaces the previous answers until the UVM is completed."""
    if not access_rules.can_work_on_assessment(actor, assessment):
        _deny(actor=actor, record=assessment, purpose="score a UVM outside the actor's scope")
    if assessment.status == AssessmentStatus.COMPLETED:
        raise ValidationError(_("This assessment is completed: its scales can no longer change."), code="completed")
    result = score_answers(scale, list(scale.items.all()), answers)
    score, _created = ScaleScore.objects.update_or_create(
        assessment=assessment, scale=scale,
        defaults={"answers": {k: str(v) for k, v in answers.items()}, "score": result.score,
                  "max_score": result.max_score, "applicable_items": result.applicable_items,
                  "corrected_score": result.corrected_score, "band": result.band,
                  "scored_at": at or timezone.now(), "scored_by": actor})
    access_log_record(actor=actor, record=assessment, action=AccessAction.UPDATE, purpose=f"scale {scale.code}")
    return score


DECISION_STATUS = {
    AssessmentDecision.CARE_PLAN: RequestStatus.CARE_PLAN,
    AssessmentDecision.SERVICE: RequestStatus.REFERRED,
    AssessmentDecision.INFORMATION: RequestStatus.INFORMATION,
}


@atomic_service
def assessment_complete(*, actor, assessment: Assessment, need_profile: str, intensity: int, decision: str,
                        decision_service=None, notes: str = "", held_on: datetime.date | None = None,
                        at=None) -> Assessment:
    """Close a UVM with its outcome: need profile, intensity level and decision (PAI, a service, information).
    The request moves to the matching outcome status."""
    if not access_rules.can_work_on_assessment(actor, assessment):
        _deny(actor=actor, record=assessment, purpose="complete a UVM outside the actor's scope")
    if assessment.status == AssessmentStatus.COMPLETED:
        raise ValidationError(_("This assessment is already completed."), code="completed")
    if not assessment.scores.exists():
        raise ValidationError(_("Score at least one scale before completing the assessment."), code="no_scores")
    if decision == AssessmentDecision.SERVICE and decision_service is None:
        raise ValidationError({"decision_service": _("Choose the service decided.")})
    at = at or timezone.now()
    assessment.status = AssessmentStatus.COMPLETED
    assessment.need_profile, assessment.intensity, assessment.decision = need_profile, int(intensity), decision
    assessment.decision_service, assessment.notes = decision_service, notes
    assessment.held_on = held_on or timezone.localdate(at)
    assessment.completed_at = at
    assessment.save()
    request = assessment.request
    if request.status == RequestStatus.ASSESSMENT:
        _transition(actor=actor, request=request, to_status=DECISION_STATUS[decision], at=at,
                    note=_("UVM outcome: %(decision)s") % {"decision": AssessmentDecision(decision).label})
    access_log_record(actor=actor, record=assessment, action=AccessAction.UPDATE, purpose="UVM completed")
    return assessment


# --- Waiting lists -------------------------------------------------------------------------------------------

DEFAULT_POINTS = {
    PriorityFactor.UVM_INTENSITY: {"1": 0, "2": 10, "3": 20, "4": 30},
    PriorityFactor.LIVES_ALONE: {"true": 10, "false": 0},
    PriorityFactor.CAREGIVER_BURDEN: {CaregiverBurden.NONE: 0, CaregiverBurden.LOW: 3, CaregiverBurden.MEDIUM: 6,
                                      CaregiverBurden.HIGH: 10},
    PriorityFactor.ISEE_BAND: {IseeBand.UNDER_6K: 10, IseeBand.FROM_6K_TO_15K: 6, IseeBand.FROM_15K_TO_30K: 3,
                               IseeBand.OVER_30K: 0, IseeBand.NOT_GIVEN: 0},
    PriorityFactor.URGENCY: {"1": 0, "2": 5, "3": 10, "4": 20},
}


def priority_criteria(*, waiting_list: WaitingList) -> dict:
    """Points by factor for a list: the list's own criteria override the Ambito's, which override nothing
    (a factor without any criterion scores 0)."""
    criteria = {}
    for criterion in PriorityCriterion.objects.filter(
            Q(waiting_list=waiting_list) | Q(waiting_list__isnull=True, ambito_id=waiting_list.service.ambito_id),
            active=True).order_by(F("waiting_list_id").asc(nulls_first=True)):
        criteria[criterion.factor] = criterion.points
    return criteria


def priority_compute(*, criteria: dict, factors: dict) -> tuple[Decimal, dict]:
    """The priority score of an entry: the sum, over the configured factors, of the points of its value."""
    breakdown = {}
    total = Decimal(0)
    for factor, points in criteria.items():
        value = factors.get(factor)
        if value is None:
            continue
        key = str(value).lower() if isinstance(value, bool) else str(value)
        earned = Decimal(str(points.get(key, 0)))
        breakdown[factor] = {"value": key, "points": str(earned)}
        total += earned
    return total, breakdown


@atomic_service
def priority_criteria_ensure_defaults(*, ambito) -> None:
    """Give an Ambito the default criteria (editable afterwards in the admin)."""
    for factor, points in DEFAULT_POINTS.items():
        PriorityCriterion.objects.get_or_create(ambito=ambito, waiting_list=None, factor=factor,
                                                defaults={"points": {str(k): v for k, v in points.items()}})


@atomic_service
def waiting_list_ensure(*, service, open_slots: int | None = None) -> WaitingList:
    waiting_list, created = WaitingList.objects.get_or_create(service=service,
                                                              defaults={"open_slots": open_slots or 0})
    if not created and open_slots is not None:
        WaitingList.objects.filter(pk=waiting_list.pk).update(open_slots=open_slots)
        waiting_list.open_slots = open_slots
    return waiting_list


@atomic_service
def waiting_list_set_slots(*, actor, waiting_list: WaitingList, open_slots: int) -> WaitingList:
    """Record the places the service has freed for the list (e.g. a SAD package ended)."""
    if not access_rules.can_manage_waiting_list(actor, waiting_list):
        raise PermissionDenied(_("You cannot manage this waiting list."))
    if open_slots < 0:
        raise ValidationError({"open_slots": _("Open slots cannot be negative.")})
    WaitingList.objects.filter(pk=waiting_list.pk).update(open_slots=open_slots)
    waiting_list.open_slots = open_slots
    _availability_publish(waiting_list=waiting_list)
    return waiting_list


@atomic_service
def waiting_list_entry_add(*, actor, waiting_list: WaitingList, person: Person, request=None, assessment=None,
                           lives_alone: bool | None = None, caregiver_burden: str = CaregiverBurden.NONE,
                           isee_band: str = IseeBand.NOT_GIVEN, urgency: int | None = None,
                           uvm_intensity: int | None = None, at=None) -> WaitingListEntry:
    """Put a person on a service's waiting list with a priority score computed from the Ambito's criteria
    (UVM intensity, living alone, caregiver burden, ISEE band, urgency)."""
    if not access_rules.can_edit_person(actor, person) or not access_rules.can_manage_waiting_list(actor,
                                                                                                     waiting_list):
        _deny(actor=actor, record=person, purpose="waiting list entry outside the actor's scope")
    if not waiting_list.active:
        raise ValidationError(_("This waiting list is closed."))
    if WaitingListEntry.objects.filter(waiting_list=waiting_list, person=person, status=EntryStatus.WAITING).exists():
        raise ValidationError(_("This person is already waiting on this list."), code="duplicate_entry")
    if assessment is not None and uvm_intensity is None:
        uvm_intensity = assessment.intensity
    if request is None and assessment is not None:
        request = assessment.request
    if urgency is None:
        urgency = request.urgency if request is not None else Urgency.NORMAL
    if lives_alone is None:
        lives_alone = person.lives_alone
    factors = {PriorityFactor.UVM_INTENSITY: uvm_intensity, PriorityFactor.LIVES_ALONE: lives_alone,
               PriorityFactor.CAREGIVER_BURDEN: caregiver_burden, PriorityFactor.ISEE_BAND: isee_band,
               PriorityFactor.URGENCY: urgency}
    score, breakdown = priority_compute(criteria=priority_criteria(waiting_list=waiting_list), factors=factors)
    entry = WaitingListEntry.objects.create(
        waiting_list=waiting_list, person=person, request=request, assessment=assessment, entered_at=at or timezone.now(),
        uvm_intensity=uvm_intensity, lives_alone=lives_alone, caregiver_burden=caregiver_burden, isee_band=isee_band,
        urgency=urgency, priority_score=score, priority_breakdown=breakdown, added_by=actor)
    access_log_record(actor=actor, record=entry, action=AccessAction.CREATE, purpose="waiting list entry")
    _availability_publish(waiting_list=waiting_list)
    return entry


def waiting_list_top(*, waiting_list: WaitingList) -> WaitingListEntry | None:
    """The entry the next open slot goes to."""
    return _waiting(waiting_list.pk).first()


def _waiting(waiting_list_id):
    """Entries still waiting, best first; a person whose processing is restricted (GDPR art. 18) is never
    admitted while the restriction lasts."""
    return WaitingListEntry.objects.filter(waiting_list_id=waiting_list_id, status=EntryStatus.WAITING,
                                           person__restricted_at__isnull=True).order_by(
        "-priority_score", "entered_at", "id")


@atomic_service
def waiting_list_admit(*, actor, waiting_list: WaitingList, entry: WaitingListEntry | None = None,
                       skip_reason: str = "", at=None) -> WaitingListEntry:
    """Give the next open slot of a service to the top entry of its list (*scorrimento della graduatoria*),
    or to another entry when the operator records why the ones above are skipped.

    The list row is locked (SELECT … FOR UPDATE) before reading the slots and the top entry, so two
    operators admitting at the same moment queue one behind the other and never give one slot twice."""
    if not access_rules.can_manage_waiting_list(actor, waiting_list):
        raise PermissionDenied(_("You cannot manage this waiting list."))
    locked = WaitingList.objects.select_for_update().get(pk=waiting_list.pk)
    top = _waiting(locked.pk).first()
    if top is None:
        raise ValidationError(_("The waiting list is empty: there is nobody to admit."), code="empty_list")
    if locked.open_slots < 1:
        raise ValidationError(_("The service has no open slot: record the freed places before admitting."),
                              code="no_slot")
    chosen = top
    if entry is not None and entry.pk != top.pk:
        if not skip_reason.strip():
            raise ValidationError(
                {"skip_reason": _("This person is not at the top of the list: write why the entries above are "
                                  "skipped.")}, code="skip_reason_required")
        chosen = WaitingListEntry.objects.select_for_update().filter(pk=entry.pk, waiting_list=locked).first()
        if chosen is None or chosen.status != EntryStatus.WAITING:
            raise ValidationError(_("This entry is no longer waiting."), code="not_waiting")
    at = at or timezone.now()
    if at < chosen.entered_at:  # only a backdated import could do this; a wait is never negative
        raise ValidationError(_("The admission cannot precede the entry on the list."), code="before_entry")
    updated = WaitingListEntry.objects.filter(pk=chosen.pk, status=EntryStatus.WAITING).update(
        status=EntryStatus.ADMITTED, admitted_at=at, admitted_by=actor,
        skip_reason=skip_reason.strip() if chosen.pk != top.pk else "")
    if not updated:  # unreachable while the list row is locked; kept so a slot is never spent on nobody
        raise ValidationError(_("This entry is no longer waiting."), code="not_waiting")
    WaitingList.objects.filter(pk=locked.pk).update(open_slots=F("open_slots") - 1)
    locked.open_slots -= 1
    chosen.refresh_from_db()
    access_log_record(actor=actor, record=chosen, action=AccessAction.UPDATE, purpose="admitted to service")
    _availability_publish(waiting_list=locked)
    return chosen


@atomic_service
def waiting_list_entry_remove(*, actor, entry: WaitingListEntry, reason: str, at=None) -> WaitingListEntry:
    """Take an entry off the list (moved away, refused the service, died, no longer eligible) with a reason."""
    if not access_rules.can_view_waiting_list_entry(actor, entry) or not access_rules.can_manage_waiting_list(
            actor, entry.waiting_list):
        _deny(actor=actor, record=entry, purpose="remove a waiting list entry outside the actor's scope")
    if not (reason or "").strip():
        raise ValidationError({"reason": _("Write why the entry is removed.")}, code="reason_required")
    locked = WaitingListEntry.objects.select_for_update().get(pk=entry.pk)
    if locked.status != EntryStatus.WAITING:
        raise ValidationError(_("This entry is no longer waiting."), code="not_waiting")
    entry.status, entry.removed_at, entry.removed_by = EntryStatus.REMOVED, at or timezone.now(), actor
    entry.removal_reason = reason.strip()[:300]
    entry.save(update_fields=["status", "removed_at", "removed_by", "removal_reason"])
    access_log_record(actor=actor, record=entry, action=AccessAction.UPDATE, purpose="removed from waiting list")
    _availability_publish(waiting_list=entry.waiting_list)
    return entry


def _estimated_wait_days(waiting_list_id) -> int | None:
    """Median days waited by the last 50 admissions of the list: the wait a new entry can expect."""
    waits = [(admitted - entered).days for entered, admitted in WaitingListEntry.objects.filter(
        waiting_list_id=waiting_list_id, status=EntryStatus.ADMITTED).order_by("-admitted_at").values_list(
        "entered_at", "admitted_at")[:50]]
    return max(int(statistics.median(waits)), 0) if waits else None


def _availability_publish(*, waiting_list: WaitingList) -> None:
    """Tell the network catalogue the service's vacancies and expected wait, so referrers see them."""
    open_slots = WaitingList.objects.filter(pk=waiting_list.pk).values_list("open_slots", flat=True).first() or 0
    estimated = _estimated_wait_days(waiting_list.pk)
    service_update_availability(service=waiting_list.service, vacancies=open_slots, estimated_wait_days=estimated)
