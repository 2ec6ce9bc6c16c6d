"""Triage: the Ambito's rules proposing an answer to a request."""

from collections import Counter
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from ambito.access import rules as access_rules
from ambito.access.models import (
    AccessRequest,
    RequestStatus,
    ScaleScore,
    ScoreOperator,
    TriageKind,
    TriageOutcome,
    TriageRule,
    Urgency,
)
from ambito.access.services.requests import _transition
from ambito.accounts.models import AccessAction
from ambito.accounts.services import access_deny, access_log_record, atomic_service

# --- Triage --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class TriageProposal:
    rule: TriageRule | None
    triage_kind: str
    outcome: str
    explanation: str
    inputs: dict
    missing_scale: str = ""  # the code of a scale a matching rule needed and that was not known


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
    return apply_rules(rules_, request, {**latest, **screening})


def apply_rules(rules_: list[TriageRule], request: AccessRequest, values: dict) -> TriageProposal:
    """The proposal of ``rules_`` (in their order) for ``request`` with the scale ``values`` known.

    A rule whose other conditions match but whose score is not known stops the evaluation: the operator is
    asked for the score (or decides), and no later, less careful rule is applied in its place — a hospital
    discharge without a Barthel never goes to "good autonomy" by default."""
    inputs = {"channel": request.channel, "area": request.area, "urgency": request.urgency,
              **{f"score_{k}": str(v) for k, v in values.items()}}
    for rule in sorted(rules_, key=lambda r: (r.order, r.pk or 0)):
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
            if value is None:
                return TriageProposal(
                    rule=None, triage_kind="", outcome="", inputs=inputs, missing_scale=rule.scale.code,
                    explanation=_("Rule “%(rule)s” needs the %(scale)s score, which is not known: type it, or "
                                  "decide. The rules after it are not tried, so a missing score never leads to a "
                                  "less careful answer.") % {"rule": rule.name, "scale": rule.scale.name})
            if not _COMPARE[rule.score_operator](value, rule.score_threshold):
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
        access_deny(actor=actor, record=request, purpose="triage a request outside the actor's scope")
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


# --- The Ambito's rules, edited on its own pages and through the API ---------------------------------------------

RULE_FIELDS = ("name", "order", "active", "channel", "area", "min_urgency", "scale", "score_operator",
               "score_threshold", "triage_kind", "outcome", "explanation")
PREVIEW_DAYS = 30


def _check_rule(rule: TriageRule) -> None:
    errors = {}
    if not (rule.name or "").strip():
        errors["name"] = _("Give the rule a name.")
    if rule.triage_kind not in TriageKind.values:
        errors["triage_kind"] = _("Choose the triage.")
    if rule.outcome not in TriageOutcome.values:
        errors["outcome"] = _("Choose the outcome.")
    if rule.scale_id:
        if rule.score_operator not in ScoreOperator.values:
            errors["score_operator"] = _("A rule on a scale needs a comparison.")
        if rule.score_threshold is None:
            errors["score_threshold"] = _("A rule on a scale needs a threshold.")
        elif not rule.scale.min_score <= rule.score_threshold <= rule.scale.max_score:
            errors["score_threshold"] = _("The threshold must be between %(low)s and %(high)s, the range of "
                                          "%(scale)s.") % {"low": f"{rule.scale.min_score.normalize():f}",
                                                           "high": f"{rule.scale.max_score.normalize():f}",
                                                           "scale": rule.scale.name}
    elif rule.score_operator or rule.score_threshold is not None:
        errors["scale"] = _("Choose the scale the comparison is about.")
    if errors:
        raise ValidationError(errors, code="invalid_rule")


def triage_rule_build(*, ambito, rule: TriageRule | None = None, **fields) -> TriageRule:
    """An unsaved rule of ``ambito`` with ``fields`` (a copy of ``rule`` changed by them), checked."""
    unknown = set(fields) - set(RULE_FIELDS)
    if unknown:
        raise ValueError(f"unknown rule fields: {sorted(unknown)}")
    candidate = TriageRule(ambito=ambito)
    if rule is not None:
        for name in RULE_FIELDS:
            setattr(candidate, name, getattr(rule, name))
        candidate.pk = rule.pk
    for name, value in fields.items():
        setattr(candidate, name, value if value is not None or name in ("scale", "score_threshold",
                                                                       "min_urgency") else "")
    candidate.channel, candidate.area = candidate.channel or "", candidate.area or ""
    candidate.score_operator, candidate.explanation = candidate.score_operator or "", candidate.explanation or ""
    _check_rule(candidate)
    return candidate


@atomic_service
def triage_rule_save(*, actor, ambito, rule: TriageRule | None = None, **fields) -> TriageRule:
    """Create a triage rule of the Ambito, or change one (the change log keeps every version, with its author)."""
    if not access_rules.can_manage_triage_rules(actor, ambito):
        raise PermissionDenied(_("Only the Ambito's planning office edits the triage rules."))
    if rule is not None and rule.ambito_id != ambito.pk:
        raise PermissionDenied(_("Only the Ambito's planning office edits the triage rules."))
    candidate = triage_rule_build(ambito=ambito, rule=rule, **fields)
    if rule is not None:
        TriageRule.objects.select_for_update().filter(pk=rule.pk).first()
    candidate.save()
    access_log_record(actor=actor, record=candidate, action=AccessAction.UPDATE if rule else AccessAction.CREATE,
                      purpose="triage rule edited")
    return candidate


def triage_rule_preview(*, ambito, candidate: TriageRule, days: int = PREVIEW_DAYS, now=None) -> dict:
    """What ``candidate`` (a new rule, or a changed version of an existing one) would do to the requests the
    Ambito received in the last ``days``: the proposal of today's rules and the proposal with the candidate,
    counted by outcome — aggregates only, no person. The scores are those typed at the desk when the request
    was triaged (kept in its triage inputs), else the person's latest scored ones; two queries in all."""
    now = now or timezone.now()
    current = list(TriageRule.objects.filter(ambito=ambito, active=True).select_related("scale"))
    changed = [r for r in current if r.pk != candidate.pk] + ([candidate] if candidate.active else [])
    requests = list(AccessRequest.objects.filter(ambito=ambito, received_at__gte=now - timedelta(days=days))
                    .order_by("received_at", "id"))
    codes = {r.scale.code for r in current + changed if r.scale_id}
    latest: dict = {}
    if codes and requests:
        for row in (ScaleScore.objects.filter(assessment__person_id__in={r.person_id for r in requests},
                                              scale__code__in=codes)
                    .order_by("scored_at").values("assessment__person_id", "scale__code", "score")):
            latest.setdefault(row["assessment__person_id"], {})[row["scale__code"]] = row["score"]
    label = dict(TriageOutcome.choices)
    transitions: Counter = Counter()
    matched = changed_count = missing = 0
    for request in requests:
        values = dict(latest.get(request.person_id, {}))
        for key, value in (request.triage_inputs or {}).items():
            if key.startswith("score_") and value not in (None, ""):
                values[key[len("score_"):]] = Decimal(str(value))
        before = apply_rules(current, request, values)
        after = apply_rules(changed, request, values)
        matched += after.rule is candidate
        missing += bool(after.missing_scale) and not before.missing_scale
        if (before.outcome, bool(before.missing_scale)) != (after.outcome, bool(after.missing_scale)):
            changed_count += 1
            transitions[(_outcome_label(before, label), _outcome_label(after, label))] += 1
    return {"days": days, "requests": len(requests), "matched": matched, "changed": changed_count,
            "newly_missing": missing,
            "transitions": [{"before": b, "after": a, "count": n} for (b, a), n in transitions.most_common()]}


def _outcome_label(proposal: TriageProposal, label: dict) -> str:
    if proposal.missing_scale:
        return str(_("score missing: the operator decides"))
    return str(label.get(proposal.outcome, _("no rule: the operator decides")))
