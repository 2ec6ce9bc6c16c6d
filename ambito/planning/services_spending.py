"""Writes of the money loop: commitments and payments (entered or imported from a Comune's accounting export),
the accounting codes mapped once, fund allocations and reports (locked once submitted), unit costs, the ASL's
aggregate figures and the reinvestment agreement. Each function is one transaction; nothing is written when
it refuses. The accounting layout is documented in docs/money-loop.md."""

import datetime
import hashlib
from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from ambito.accounts.models import Organisation
from ambito.accounts.services import atomic_service
from ambito.core.imports import ImportRejected, RowError
from ambito.core.tabular import read_table
from ambito.planning import rules
from ambito.planning.models import (
    EDITABLE_STATES,
    AccountingCode,
    CostBasis,
    FundAllocation,
    FundingSource,
    FundReport,
    FundReportStatus,
    HealthActivityFigure,
    Payment,
    PaymentStage,
    Plan,
    PlanVersion,
    ReinvestmentAgreement,
    SpendingImport,
    UnitCost,
)
from ambito.planning.models import Commitment as CommitmentModel
from ambito.planning.services import parse_amount
from ambito.territory.models import Comune

# --- Guards ------------------------------------------------------------------------------------------------


def _require_office(actor, ambito):
    if not rules.can_edit_plan(actor, Plan(ambito=ambito)):
        raise PermissionDenied(_("Only the planning office of this Ambito can record spending."))


def _require_approved(plan):
    """Spending is recorded against a plan whose Accordo was signed (approved, in force, closed, or being
    revised after an approval)."""
    if plan.state in EDITABLE_STATES and not PlanVersion.objects.filter(plan=plan, frozen=True).exists():
        raise ValidationError(_("Commitments and payments are recorded once the plan is approved."),
                              code="not_approved")


def _check_key(plan, intervention, year, source, comune):
    errors = {}
    if intervention.plan_id != plan.pk:
        errors["intervention"] = _("The intervention belongs to another plan.")
    if year not in plan.years:
        errors["year"] = _("%(year)s is outside the triennium %(start)s–%(end)s.") % {
            "year": year, "start": plan.start_year, "end": plan.end_year}
    if source not in FundingSource.values:
        errors["source"] = _("Unknown funding source “%(source)s”.") % {"source": source}
    elif (source == FundingSource.COMUNE) != (comune is not None):
        errors["comune"] = _("A Comune is given for the Comuni's own funds, and only for them.")
    elif comune is not None and comune.ambito_id != plan.ambito_id:
        errors["comune"] = _("Only Comuni of the plan's Ambito can be covered.")
    if errors:
        raise ValidationError(errors)


def _positive(raw, field="amount"):
    try:
        value = parse_amount(raw)
    except ValidationError as exc:
        raise ValidationError({field: exc.messages}) from None
    if value <= 0:
        raise ValidationError({field: _("The amount must be more than zero.")})
    return value


# --- Commitments and payments --------------------------------------------------------------------------------


@atomic_service
def commitment_record(*, actor, intervention, year: int, source: str, amount, act_number: str,
                      act_date: datetime.date, comune=None, provider=None, payee: str = "", note: str = "",
                      spending_import=None) -> CommitmentModel:
    """*Impegno*: an amount committed by an act dated in the year it is committed for."""
    plan = Plan.objects.select_for_update().get(pk=intervention.plan_id)
    _require_office(actor, plan.ambito)
    _require_approved(plan)
    _check_key(plan, intervention, year, source, comune)
    value = _positive(amount)
    if not act_number.strip():
        raise ValidationError({"act_number": _("Give the number of the act that commits the money.")})
    if act_date.year != year:
        raise ValidationError({"act_date": _("A commitment for %(year)s is made by an act dated in %(year)s.")
                               % {"year": year}})
    if provider is not None and provider.ambito_id not in (plan.ambito_id, None):
        raise ValidationError({"provider": _("The provider works in another Ambito.")})
    return CommitmentModel.objects.create(
        intervention=intervention, year=year, source=source, comune=comune, amount=value,
        act_number=act_number.strip(), act_date=act_date, provider=provider,
        payee=payee.strip() or (provider.name if provider else ""), note=note.strip(),
        spending_import=spending_import, recorded_by=actor)


@atomic_service
def payment_record(*, actor, commitment, amount, paid_on: datetime.date, payee: str, stage: str = PaymentStage.PAID,
                   provider=None, reference: str = "", spending_import=None,
                   service_month: datetime.date | None = None) -> Payment:
    """*Liquidazione* or *mandato* against a commitment: never more than what is committed, never before
    the act that committed it."""
    commitment = CommitmentModel.objects.select_for_update().select_related("intervention__plan").get(
        pk=commitment.pk)
    plan = commitment.intervention.plan
    _require_office(actor, plan.ambito)
    if stage not in PaymentStage.values:
        raise ValidationError({"stage": _("Choose liquidated or paid.")})
    value = _positive(amount)
    if paid_on < commitment.act_date:
        raise ValidationError({"paid_on": _("The payment is dated before the act that committed the money "
                                            "(%(date)s).") % {"date": commitment.act_date.strftime("%d/%m/%Y")}})
    if not payee.strip():
        raise ValidationError({"payee": _("Name who was paid.")})
    already = commitment.payments.filter(stage=stage).aggregate(s=Sum("amount"))["s"] or Decimal(0)
    if already + value > commitment.amount:
        raise ValidationError({"amount": _("%(stage)s would reach € %(total)s, more than the € %(committed)s "
                                           "committed by %(act)s.") % {
            "stage": PaymentStage(stage).label, "total": already + value, "committed": commitment.amount,
            "act": commitment.act_number}})
    return Payment.objects.create(commitment=commitment, stage=stage, amount=value, paid_on=paid_on,
                                  payee=payee.strip(), provider=provider or commitment.provider,
                                  reference=reference.strip(), spending_import=spending_import,
                                  service_month=service_month.replace(day=1) if service_month else None,
                                  recorded_by=actor)


@atomic_service
def accounting_code_set(*, actor, plan, ente, code: str, intervention, source: str, comune=None) -> AccountingCode:
    """Map once a chapter of ``ente``'s accounts to an intervention and a funding source."""
    _require_office(actor, plan.ambito)
    code = code.strip().upper()
    if not code:
        raise ValidationError({"code": _("Give the accounting code (capitolo/articolo).")})
    if ente.ambito_id != plan.ambito_id:
        raise ValidationError({"ente": _("Only Comuni of the plan's Ambito can be covered.")})
    _check_key(plan, intervention, plan.start_year, source, comune)
    mapped, _created = AccountingCode.objects.update_or_create(
        plan=plan, ente=ente, code=code, defaults={"intervention": intervention, "source": source, "comune": comune})
    return mapped


# Layout of the accounting export (docs/money-loop.md): one row per commitment or payment.
ACCOUNTING_COLUMNS = ("tipo", "capitolo", "esercizio", "numero", "data", "importo", "beneficiario", "impegno")
KINDS = {"IMPEGNO": None, "LIQUIDAZIONE": PaymentStage.LIQUIDATED, "MANDATO": PaymentStage.PAID,
         "PAGAMENTO": PaymentStage.PAID}


def _header_key(text: str) -> str:
    return str(text or "").strip().lower().replace(" ", "_")


def parse_day(raw) -> datetime.date:
    if isinstance(raw, datetime.datetime):
        return raw.date()
    if isinstance(raw, datetime.date):
        return raw
    text = str(raw or "").strip()
    for fmt in ("%d/%m/%Y", "%Y-%m-%d", "%d-%m-%Y", "%d.%m.%Y"):
        try:
            return datetime.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise ValidationError(_("“%(value)s” is not a date (dd/mm/yyyy).") % {"value": text})


@atomic_service
def spending_import(*, actor, plan, ente, data: bytes, filename: str) -> SpendingImport:
    """Import a Comune's accounting export (CSV or XLSX) through the one reader: every row is checked
    (known kind, mapped code, year of the plan, amount, date, the commitment a payment settles) before any
    is written; one bad row refuses the whole file with a report naming each bad row. A file already
    imported for the plan is refused."""
    _require_office(actor, plan.ambito)
    plan = Plan.objects.select_for_update().get(pk=plan.pk)
    _require_approved(plan)
    kind = "xlsx" if filename.lower().endswith(".xlsx") else "csv"
    table = read_table(data, kind=kind, filename=filename, header_key=_header_key,
                       required_columns=ACCOUNTING_COLUMNS)
    digest = hashlib.sha256(data).hexdigest()
    if SpendingImport.objects.filter(plan=plan, sha256=digest).exists():
        raise ImportRejected([RowError(0, _("This file was already imported for this plan."))])
    errors = table.errors
    codes = {m.code: m for m in AccountingCode.objects.filter(plan=plan, ente=ente).select_related("intervention")}
    providers = {o.name.casefold(): o for o in Organisation.objects.filter(ambito_id=plan.ambito_id)}
    known = dict(CommitmentModel.objects.filter(intervention__plan=plan).values_list("act_number", "id"))
    commitments, payments, seen = [], [], set()
    for row in table.sheet.rows:
        v = row.values
        kind_text = str(v.get("tipo") or "").strip().upper()
        line_errors = []
        if kind_text not in KINDS:
            line_errors.append(RowError(row.number, _("unknown kind “%(kind)s” (IMPEGNO, LIQUIDAZIONE, MANDATO).")
                                        % {"kind": kind_text}, field="tipo"))
        code = str(v.get("capitolo") or "").strip().upper()
        mapped = codes.get(code)
        if mapped is None:
            line_errors.append(RowError(row.number, _("accounting code “%(code)s” is not mapped to an intervention "
                                                      "of the plan.") % {"code": code}, field="capitolo"))
        try:
            year = int(str(v.get("esercizio") or "").strip().split(".")[0])
        except ValueError:
            year = None
        if year not in plan.years:
            line_errors.append(RowError(row.number, _("year “%(year)s” is outside the triennium %(start)s–%(end)s.")
                                        % {"year": v.get("esercizio"), "start": plan.start_year,
                                           "end": plan.end_year}, field="esercizio"))
        try:
            day = parse_day(v.get("data"))
        except ValidationError as exc:
            day = None
            line_errors.append(RowError(row.number, exc.messages[0], field="data"))
        try:
            amount = parse_amount(v.get("importo"))
            if amount <= 0:
                raise ValidationError(_("The amount must be more than zero."))
        except ValidationError as exc:
            amount = None
            line_errors.append(RowError(row.number, exc.messages[0], field="importo"))
        number = str(v.get("numero") or "").strip()
        if not number:
            line_errors.append(RowError(row.number, _("the number of the act is missing."), field="numero"))
        payee = str(v.get("beneficiario") or "").strip()
        stage = KINDS.get(kind_text)
        ref = str(v.get("impegno") or "").strip()
        if kind_text in KINDS and stage is None:
            if number in known or number in seen:
                line_errors.append(RowError(row.number, _("commitment %(number)s is already recorded.")
                                            % {"number": number}, field="numero"))
            if day and year and day.year != year:
                line_errors.append(RowError(row.number, _("A commitment for %(year)s is made by an act dated in "
                                                          "%(year)s.") % {"year": year}, field="data"))
        elif stage is not None:
            if ref not in known and ref not in seen:
                line_errors.append(RowError(row.number, _("the commitment “%(number)s” it settles is not in the file "
                                                          "nor recorded.") % {"number": ref}, field="impegno"))
            if not payee:
                line_errors.append(RowError(row.number, _("Name who was paid."), field="beneficiario"))
        if line_errors:
            errors.extend(line_errors)
            continue
        provider = providers.get(payee.casefold())
        if stage is None:
            seen.add(number)
            commitments.append((row.number, mapped, year, number, day, amount, provider, payee, str(v.get("note") or "")))
        else:
            payments.append((row.number, ref, stage, number, day, amount, provider, payee))
    if not commitments and not payments and not len(errors):
        errors.append(RowError(0, _("The file has no rows.")))
    if len(errors):
        raise ImportRejected(errors)
    batch = SpendingImport.objects.create(plan=plan, ente=ente, filename=filename[:200], sha256=digest,
                                          rows=len(commitments) + len(payments), imported_by=actor)
    by_number = {}
    for number_row, mapped, year, number, day, amount, provider, payee, note in commitments:
        try:
            by_number[number] = commitment_record(
                actor=actor, intervention=mapped.intervention, year=year, source=mapped.source, comune=mapped.comune,
                amount=amount, act_number=number, act_date=day, provider=provider, payee=payee, note=note,
                spending_import=batch)
        except ValidationError as exc:
            errors.extend(RowError(number_row, m) for m in exc.messages)
    for number_row, ref, stage, number, day, amount, provider, payee in payments:
        commitment = by_number.get(ref) or CommitmentModel.objects.filter(intervention__plan=plan,
                                                                          act_number=ref).first()
        try:
            payment_record(actor=actor, commitment=commitment, amount=amount, paid_on=day, payee=payee, stage=stage,
                           provider=provider, reference=number, spending_import=batch)
        except ValidationError as exc:
            errors.extend(RowError(number_row, m) for m in exc.messages)
    if len(errors):
        raise ImportRejected(errors)  # rolls back the batch and every row written before
    return batch


# --- Fund allocations and reports ------------------------------------------------------------------------------


@atomic_service
def fund_allocation_set(*, actor, ambito, source: str, year: int, amount, act: str = "") -> FundAllocation:
    _require_office(actor, ambito)
    if source not in FundingSource.values or source == FundingSource.COMUNE:
        raise ValidationError({"source": _("Choose a national or regional fund.")})
    value = parse_amount(amount)
    allocation, _created = FundAllocation.objects.update_or_create(
        ambito=ambito, source=source, year=year, defaults={"amount": value, "act": act.strip()})
    return allocation


@atomic_service
def fund_report_prepare(*, actor, ambito, source: str, year: int, reason: str = "") -> FundReport:
    """The draft report of a fund and year with today's figures. Once a version is submitted it is locked:
    a correction is a new version, with its reason."""
    from ambito.planning.selectors_spending import fund_report_data

    _require_office(actor, ambito)
    if source not in FundingSource.values or source == FundingSource.COMUNE:
        raise ValidationError({"source": _("Choose a national or regional fund.")})
    latest = FundReport.objects.select_for_update().filter(ambito=ambito, source=source, year=year).order_by(
        "-version").first()
    content = fund_report_data(ambito=ambito, source=source, year=year)
    if latest is not None and latest.status == FundReportStatus.DRAFT:
        latest.content = content
        latest.save(update_fields=["content"])
        return latest
    if latest is not None and not reason.strip():
        raise ValidationError({"reason": _("Version %(version)s was submitted and is locked: say why a corrected "
                                           "version is needed.") % {"version": latest.version}})
    return FundReport.objects.create(ambito=ambito, source=source, year=year,
                                     version=(latest.version + 1) if latest else 1, content=content,
                                     reason=reason.strip(), created_by=actor)


@atomic_service
def fund_report_submit(*, actor, report) -> FundReport:
    """Submit the report to the Region: its figures are recomputed one last time, then frozen."""
    from ambito.planning.selectors_spending import fund_report_data

    report = FundReport.objects.select_for_update().get(pk=report.pk)
    _require_office(actor, report.ambito)
    if report.status == FundReportStatus.SUBMITTED:
        raise ValidationError(_("This version was already submitted and is locked."), code="locked")
    report.content = fund_report_data(ambito=report.ambito, source=report.source, year=report.year)
    report.status, report.submitted_by, report.submitted_at = FundReportStatus.SUBMITTED, actor, timezone.now()
    report.save(update_fields=["content", "status", "submitted_by", "submitted_at"])
    return report


# --- Unit costs ------------------------------------------------------------------------------------------------


@atomic_service
def unit_cost_set(*, actor, service, provider, basis: str, rate, valid_from: datetime.date,
                  valid_to: datetime.date | None = None) -> UnitCost:
    """The price of a service from a provider for a period; periods of one service and provider never overlap."""
    _require_office(actor, service.ambito)
    if basis not in CostBasis.values:
        raise ValidationError({"basis": _("Choose hourly rate, daily rate or lump sum.")})
    value = _positive(rate, "rate")
    if valid_to and valid_to < valid_from:
        raise ValidationError({"valid_to": _("The end comes before the start.")})
    overlapping = UnitCost.objects.filter(service=service, provider=provider).exclude(
        valid_to__lt=valid_from)
    if valid_to:
        overlapping = overlapping.exclude(valid_from__gt=valid_to)
    if overlapping.exists():
        raise ValidationError(_("Another rate of this service and provider is valid in the same period."),
                              code="overlap")
    return UnitCost.objects.create(service=service, provider=provider, basis=basis, rate=value,
                                   valid_from=valid_from, valid_to=valid_to)


# --- ASL aggregate figures and reinvestment ------------------------------------------------------------------

HEALTH_COLUMNS = ("codice_istat", "anno", "ricoveri", "giornate_degenza", "ricoveri_evitabili", "indicatore")
# A per-person column in the file would mean the ASL sent more than aggregates: refused.
PERSON_COLUMNS = ("codice_fiscale", "cognome", "nome", "data_nascita", "assistito", "id_paziente")


def _count(raw, field, number, errors):
    try:
        value = Decimal(str(raw).strip())
        if value != value.to_integral_value() or value < 0:
            raise InvalidOperation
        return int(value)
    except (InvalidOperation, ValueError):
        errors.append(RowError(number, _("“%(value)s” is not a whole number of 0 or more.") % {"value": raw},
                               field=field))
        return None


@atomic_service
def health_figures_import(*, actor, ambito, data: bytes, filename: str) -> int:
    """Import the ASL's aggregate figures per Comune and year (docs/money-loop.md): all or nothing,
    aggregates only (a file with a per-person column is refused). A Comune and year already loaded is
    replaced."""
    _require_office(actor, ambito)
    kind = "xlsx" if filename.lower().endswith(".xlsx") else "csv"
    table = read_table(data, kind=kind, filename=filename, header_key=_header_key, required_columns=HEALTH_COLUMNS)
    sheet = table.sheet
    errors = table.errors
    personal = [c for c in (_header_key(h) for h in sheet.header or ()) if c in PERSON_COLUMNS]
    if personal:
        raise ImportRejected([RowError(sheet.header_row, _("The file holds data of persons (%(cols)s): the ASL "
                                                           "sends aggregates only.") % {"cols": ", ".join(personal)})])
    comuni = {c.istat_code: c for c in Comune.objects.filter(ambito=ambito)}
    parsed, seen = [], set()
    for row in sheet.rows:
        v = row.values
        before = len(errors)
        istat = str(v.get("codice_istat") or "").strip().split(".")[0].zfill(6)
        comune = comuni.get(istat)
        if comune is None:
            errors.append(RowError(row.number, _("Comune “%(code)s” is not in the Ambito.") % {
                "code": v.get("codice_istat")}, field="codice_istat"))
        year = _count(v.get("anno"), "anno", row.number, errors)
        if year is not None and not 2000 <= year <= timezone.localdate().year:
            errors.append(RowError(row.number, _("“%(value)s” is not a year of the past.") % {"value": year},
                                   field="anno"))
        admissions = _count(v.get("ricoveri"), "ricoveri", row.number, errors)
        bed_days = _count(v.get("giornate_degenza"), "giornate_degenza", row.number, errors)
        avoidable = _count(v.get("ricoveri_evitabili"), "ricoveri_evitabili", row.number, errors)
        indicator = str(v.get("indicatore") or "").strip()
        if not indicator:
            errors.append(RowError(row.number, _("name the indicator of avoidable admissions."), field="indicatore"))
        if None not in (admissions, avoidable) and avoidable > admissions:
            errors.append(RowError(row.number, _("more avoidable admissions than admissions."),
                                   field="ricoveri_evitabili"))
        if (istat, year) in seen:
            errors.append(RowError(row.number, _("Comune and year appear twice."), field="anno"))
        seen.add((istat, year))
        if len(errors) == before:
            parsed.append((comune, year, admissions, bed_days, avoidable, indicator[:120]))
    if not parsed and not len(errors):
        errors.append(RowError(0, _("The file has no rows.")))
    if len(errors):
        raise ImportRejected(errors)
    for comune, year, admissions, bed_days, avoidable, indicator in parsed:
        HealthActivityFigure.objects.update_or_create(
            comune=comune, year=year, defaults={"admissions": admissions, "bed_days": bed_days,
                                                "avoidable_admissions": avoidable,
                                                "avoidable_indicator": indicator, "imported_by": actor})
    return len(parsed)


@atomic_service
def reinvestment_set(*, actor, plan, baseline_start: int, baseline_end: int, cost_per_bed_day, share,
                     note: str = "") -> ReinvestmentAgreement:
    """What the Accordo commits: baseline years, the value of a bed-day and the share of savings reinvested."""
    _require_office(actor, plan.ambito)
    if baseline_end < baseline_start:
        raise ValidationError({"baseline_end": _("The end comes before the start.")})
    if baseline_end >= plan.end_year:
        raise ValidationError({"baseline_end": _("The baseline ends before the last year of the plan.")})
    cost = _positive(cost_per_bed_day, "cost_per_bed_day")
    try:
        share = Decimal(str(share).replace(",", "."))
    except InvalidOperation:
        share = Decimal(-1)
    if not share.is_finite() or not 0 <= share <= 100:
        raise ValidationError({"share": _("The share is a percentage between 0 and 100.")})
    agreement, _created = ReinvestmentAgreement.objects.update_or_create(
        plan=plan, defaults={"baseline_start": baseline_start, "baseline_end": baseline_end,
                             "cost_per_bed_day": cost, "share": share, "note": note.strip()})
    return agreement
