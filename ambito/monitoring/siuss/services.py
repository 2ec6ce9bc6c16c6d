"""Writes of what the SIUSS flows need, each from the page the pre-flight report links to: the person's
citizenship and birthplace, the intervention's protocol, means test, DSU, character and monthly amount, the
SINA answers of an assessment, the SINBA card of a minor, a Comune's codice fiscale; and the start of a
flow's file (a background job). Every write is checked against the matrix and access-logged."""

import re

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _

from ambito.accounts.models import AccessAction
from ambito.accounts.services import access_deny, access_log_record, atomic_service
from ambito.monitoring.siuss import rules
from ambito.monitoring.siuss.flows import FLOWS, valid_body_fiscal_code, valid_person_fiscal_code
from ambito.monitoring.siuss.models import SINA_CODES, SinaDomain, SinaRecord, SinaRule, SinbaRecord

PERSON_SIUSS_FIELDS = ("citizenship", "birthplace_code")
INTERVENTION_SIUSS_FIELDS = ("request_protocol", "means_test", "dsu_protocol", "dsu_date", "character",
                             "monthly_amount")


def _check(actor, kind, obj, what):
    if not rules.can_complete(actor, kind, obj):
        access_deny(actor=actor, record=obj, purpose=f"SIUSS: {what} outside the actor's Comune")


@atomic_service
def person_siuss_update(*, actor, person, citizenship: str, birthplace_code: str, fiscal_code: str | None = None):
    """Citizenship (ISTAT code of the State) and birthplace (cadastral code); the codice fiscale too when the
    record has none or a wrong one."""
    _check(actor, "person", person, "person data")
    errors = {}
    citizenship, birthplace_code = (citizenship or "").strip(), (birthplace_code or "").strip().upper()
    if citizenship and not re.match(r"^\d{3}$", citizenship):
        errors["citizenship"] = _("Three digits: the ISTAT code of the State (Italy is 100).")
    if birthplace_code and not re.match(r"^[A-Z]\d{3}$", birthplace_code):
        errors["birthplace_code"] = _("A letter and three digits, e.g. F704 (Monza) or Z404 (United States).")
    fields = {"citizenship": citizenship, "birthplace_code": birthplace_code}
    if fiscal_code and fiscal_code.strip().upper() != (person.fiscal_code or ""):
        code = fiscal_code.strip().upper()
        if not valid_person_fiscal_code(code):
            errors["fiscal_code"] = _("This is not a valid codice fiscale.")
        elif type(person).objects.filter(fiscal_code=code).exclude(pk=person.pk).exists():
            errors["fiscal_code"] = _("This codice fiscale is already registered.")
        fields["fiscal_code"] = code
    if errors:
        raise ValidationError(errors)
    for name, value in fields.items():
        setattr(person, name, value)
    person.save(update_fields=list(fields))
    access_log_record(actor=actor, record=person, action=AccessAction.UPDATE, purpose="SIUSS person data")
    return person


@atomic_service
def intervention_siuss_update(*, actor, intervention, **fields):
    """The PS-PSA data of a planned intervention."""
    _check(actor, "care_plan", intervention.care_plan, "benefit data")
    unknown = set(fields) - set(INTERVENTION_SIUSS_FIELDS)
    if unknown:
        raise ValueError(f"unknown fields: {sorted(unknown)}")
    if fields.get("means_test") == "1" and not (fields.get("dsu_protocol") and fields.get("dsu_date")):
        raise ValidationError({"dsu_protocol": _("A means-tested (ISEE) benefit needs the DSU protocol and date.")})
    amount = fields.get("monthly_amount")
    if amount is not None and amount < 0:
        raise ValidationError({"monthly_amount": _("The amount cannot be negative.")})
    for name, value in fields.items():
        setattr(intervention, name, value if value is not None or name in ("dsu_date", "monthly_amount") else "")
    intervention.save(update_fields=list(fields))
    access_log_record(actor=actor, record=intervention.care_plan, action=AccessAction.UPDATE,
                      purpose="SIUSS benefit data")
    return intervention


@atomic_service
def sina_record_save(*, actor, assessment, values: dict, invalidity: list, invalidity_source: str = ""):
    """What the UVM confirmed of the SINA domains (a blank domain is read from the Ambito's rules)."""
    _check(actor, "assessment", assessment, "SINA answers")
    clean = {}
    for domain in SinaDomain:
        value = (values.get(domain.value) or "").strip()
        if value:
            if value not in {code for code, _label in SINA_CODES[domain]}:
                raise ValidationError({domain.value: _("Not a SINA code.")})
            clean[domain.value] = value
    invalidity = sorted({c for c in invalidity if c in {str(i) for i in range(1, 9)}})
    record, _created = SinaRecord.objects.update_or_create(
        assessment=assessment, defaults={"values": clean, "invalidity": invalidity,
                                         "invalidity_source": invalidity_source or "", "updated_by": actor})
    access_log_record(actor=actor, record=assessment, action=AccessAction.UPDATE, purpose="SIUSS SINA answers")
    return record


SINBA_FIELDS = ("unaccompanied_foreign", "child_condition", "living_place", "school", "work_condition", "disability",
                "family", "first_report_on", "report_source", "child_assessment", "family_assessment",
                "judicial_report", "judicial_measure", "father_citizenship", "mother_citizenship")


@atomic_service
def sinba_record_save(*, actor, person, **fields):
    """The SINBA card of a minor; blank answers stay blank and the pre-flight report lists them."""
    _check(actor, "person", person, "SINBA card")
    unknown = set(fields) - set(SINBA_FIELDS)
    if unknown:
        raise ValueError(f"unknown fields: {sorted(unknown)}")
    for name in ("father_citizenship", "mother_citizenship"):
        if fields.get(name) and not re.match(r"^\d{3}$", fields[name]):
            raise ValidationError({name: _("Three digits: the ISTAT code of the State (Italy is 100).")})
    record, _created = SinbaRecord.objects.update_or_create(person=person, defaults={**fields, "updated_by": actor})
    access_log_record(actor=actor, record=person, action=AccessAction.UPDATE, purpose="SIUSS SINBA card")
    return record


@atomic_service
def comune_fiscal_code_set(*, actor, comune, fiscal_code: str):
    from ambito.territory.services import comune_fiscal_code_set as territory_set

    if not rules.can_edit_ente(actor, comune):
        raise PermissionDenied
    code = (fiscal_code or "").strip()
    if not valid_body_fiscal_code(code):
        raise ValidationError({"fiscal_code": _("Eleven digits with a valid check digit.")})
    return territory_set(comune=comune, fiscal_code=code)


@atomic_service
def sina_rule_save(*, actor, ambito, rule=None, **fields):
    """Add or change a line of the Ambito's SINA mapping (planning office)."""
    from ambito.accounts.roles import Role
    from ambito.accounts.selectors import scope_for

    if ambito.pk not in scope_for(actor).ambito_ids(Role.PLANNER):
        raise PermissionDenied
    domain, code = fields.get("domain"), fields.get("code")
    if domain not in SinaDomain.values or code not in {c for c, _label in SINA_CODES[SinaDomain(domain)]}:
        raise ValidationError({"code": _("Not a code of this SINA domain.")})
    if fields.get("item") and fields.get("scale") is None:
        raise ValidationError({"item": _("An item needs its scale.")})
    if rule is None:
        return SinaRule.objects.create(ambito=ambito, **fields)
    if rule.ambito_id != ambito.pk:
        raise PermissionDenied
    for name, value in fields.items():
        setattr(rule, name, value)
    rule.save()
    return rule


@atomic_service
def sina_rule_delete(*, actor, rule):
    from ambito.accounts.roles import Role
    from ambito.accounts.selectors import scope_for

    if rule.ambito_id not in scope_for(actor).ambito_ids(Role.PLANNER):
        raise PermissionDenied
    rule.delete()


def sina_rules_ensure_defaults(*, ambito):
    """The starting mapping from the standard scales (idempotent): an Ambito changes it on its page."""
    from ambito.access.models import Scale

    if SinaRule.objects.filter(ambito=ambito).exists():
        return
    scales = {s.code: s for s in Scale.objects.filter(code__in=["barthel", "social_support", "svama"])}
    rows = []
    barthel, social = scales.get("barthel"), scales.get("social_support")
    if barthel:
        rows += [("Mobilita", barthel, "mobility", 15, 15, "1", 10), ("Mobilita", barthel, "mobility", 5, 10, "2", 20),
                 ("Mobilita", barthel, "mobility", 0, 0, "3", 30),
                 ("AttivitaVitaQuotidiana", barthel, "", 91, 100, "1", 10),
                 ("AttivitaVitaQuotidiana", barthel, "", 21, 90, "2", 20),
                 ("AttivitaVitaQuotidiana", barthel, "", 0, 20, "3", 30)]
    if social:
        rows += [("AreaReddituale", social, "economic", 0, 0, "1", 10),
                 ("AreaReddituale", social, "economic", 1, 1, "2", 20),
                 ("AreaReddituale", social, "economic", 2, 2, "3", 30),
                 ("AreaSupporto", social, "caregiver", 0, 0, "1", 10),
                 ("AreaSupporto", social, "caregiver", 1, 1, "2", 20),
                 ("AreaSupporto", social, "caregiver", 2, 2, "3", 30)]
    if scales.get("svama"):
        rows.append(("StrumentoValutazione", scales["svama"], "", None, None, "1", 10))
    rows += [("StrumentoValutazione", None, "", None, None, "7", 100),
             ("FonteDerivazioneValutazione", None, "", None, None, "1", 100)]
    SinaRule.objects.bulk_create([
        SinaRule(ambito=ambito, domain=domain, scale=scale, item=item, min_score=low, max_score=high, code=code,
                 order=order) for domain, scale, item, low, high, code, order in rows])


def export_start(*, actor, comune, year: int, flow: str, partial: bool = False):
    """Queue the Comune's file for ``flow`` (its officer only); the same request while running is the same job."""
    from ambito.core.services import job_start

    if not rules.can_produce(actor, comune):
        raise PermissionDenied
    if flow not in FLOWS:
        raise ValidationError(_("Choose PS-PSA, SINA or SINBA."))
    return job_start(kind="monitoring.siuss", actor=actor,
                     params={"comune": comune.pk, "year": int(year), "flow": flow, "partial": bool(partial)},
                     title=_("SIUSS %(flow)s %(comune)s %(year)s") % {"flow": flow.upper(), "comune": comune.name,
                                                                       "year": year})
