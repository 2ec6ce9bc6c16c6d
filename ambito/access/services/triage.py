"""Triage: the Ambito's rules proposing an answer to a request."""

from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from ambito.access import rules as access_rules
from ambito.access.models import (
    AccessRequest,
    RequestStatus,
    ScaleScore,
    ScoreOperator,
    TriageRule,
    Urgency,
)
from ambito.access.services.requests import _transition
from ambito.accounts.services import access_deny, atomic_service

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
