"""SIUSS flows in the INPS record layout (*Sistema Informativo Unitario dei Servizi Sociali*, D.Lgs. 147/2017
art. 24; D.M. 16 dicembre 2014 n. 206; D.M. 22 agosto 2019 n. 103), one file per Comune (the paying body) and
year:

- **PS-PSA**: one ``PrestazioniSociali`` per benefit (a referral's deliveries in the year, paid by the Comune),
  grouped by beneficiary (codice fiscale);
- **SINA**: the same benefits of the persons the UVM assessed for disability or non-self-sufficiency, each
  carrying the ``SINA`` block (domains from the Ambito's ``SinaRule`` mapping, or as the UVM confirmed them);
- **SINBA**: one ``SINBA`` per minor with benefits in the year: the child, the family, the reasons for taking
  the child in charge (``SinbaRecord``), the interventions.

``records()`` reads everything a flow needs in a fixed number of queries and returns, per record, the
attributes to write and the **problems** that keep it from being sent (the pre-flight report: each problem
names the page where the missing datum is entered). ``write_xml()`` writes the complete records with lxml
and validates the file against the XSD in ``schemas/`` before anyone can download it. The layout's sources and
every assumption: ``schemas/README.md``."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from functools import cache
from pathlib import Path
from urllib.parse import quote

from codicefiscale import codicefiscale
from django.db.models import Count, Max, Min, Sum
from django.db.models.functions import ExtractMonth
from django.urls import reverse
from django.utils.translation import gettext as _
from lxml import etree

from ambito.access.models import Assessment, AssessmentStatus, Person
from ambito.care.models import BenefitCharacter, Delivery, MeansTest, Payer, Referral
from ambito.monitoring.siuss.models import SINA_REQUIRED, SINBA_REQUIRED, SinaDomain, SinaRule, SinbaRecord

NS = "http://inps.it/Casellario"
SCHEMAS = Path(__file__).parent / "schemas"
FLOWS = ("psa", "sina", "sinba")
FLOW_LABELS = {"psa": "PS-PSA", "sina": "SINA", "sinba": "SINBA"}
SCHEMA_FILE = {"psa": "ps_psa_sina.xsd", "sina": "ps_psa_sina.xsd", "sinba": "sinba.xsd"}
ITALY = "100"  # ISTAT code of Italy as a State (citizenship, nation of residence)
SINA_AREAS = ("disabili", "anziani")
# AreaUtenza of the PS-PSA record (1 family and minors, 2 disability and non-self-sufficiency, 3 poverty and
# social exclusion) from the Nomenclatore area of the care plan.
AREA_UTENZA = {"famiglia_minori": "1", "disabili": "2", "anziani": "2", "salute_mentale": "2", "poverta": "3",
               "dipendenze": "3", "immigrati": "3", "multiutenza": "3"}
CF_ENTE = re.compile(r"^\d{11}$")
DSU_YEAR = re.compile(r"-((?:19|20)\d{2})-")


@dataclass
class Problem:
    reason: str
    url: str
    field: str = ""


@dataclass
class Record:
    """One record of a flow: ``key`` identifies it in the pre-flight list, ``label`` names it to the officer
    (pseudonym and benefit, never the name), ``data`` holds what the XML needs."""

    flow: str
    key: str
    label: str
    person_id: int
    data: dict = field(default_factory=dict)
    problems: list = field(default_factory=list)

    @property
    def complete(self) -> bool:
        return not self.problems


def _url(name, pk, back=""):
    url = reverse(name, args=[pk])
    return f"{url}?next={quote(back)}" if back else url


def valid_person_fiscal_code(code: str) -> bool:
    return bool(code) and len(code) == 16 and codicefiscale.is_valid(code)


def valid_body_fiscal_code(code: str) -> bool:
    """Codice fiscale of a body (11 digits, the partita IVA check digit)."""
    if not code or not CF_ENTE.match(code):
        return False
    total = 0
    for i, ch in enumerate(code[:10]):
        n = int(ch)
        if i % 2:
            n = n * 2 - 9 if n * 2 > 9 else n * 2
        total += n
    return (10 - total % 10) % 10 == int(code[10])


def ente_problems(comune, back="") -> list:
    if not valid_body_fiscal_code(comune.fiscal_code):
        return [Problem(_("The Comune's codice fiscale (the paying body) is missing or not valid."),
                        _url("monitoring-siuss-ente", comune.pk, back), "fiscal_code")]
    return []


def _money(value) -> str:
    return str(Decimal(value).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))


def _person_part(person, problems, back):
    """Beneficiary attributes (Anagrafica, Indirizzo) and their problems."""
    link = _url("monitoring-siuss-person", person.pk, back)
    code = (person.fiscal_code or "").upper()
    if not valid_person_fiscal_code(code):
        problems.append(Problem(_("The codice fiscale is missing or not valid."), link, "fiscal_code"))
    birthplace = person.birthplace_code or (code[11:15] if valid_person_fiscal_code(code) else "")
    if not re.match(r"^[A-Z]\d{3}$", birthplace or ""):
        problems.append(Problem(_("The birthplace is missing."), link, "birthplace_code"))
    if not re.match(r"^\d{3}$", person.citizenship or ""):
        problems.append(Problem(_("The citizenship is missing."), link, "citizenship"))
    comune = person.residence_comune
    return {
        "CodiceFiscale": code,
        "Anagrafica": {"Cognome": person.last_name[:36], "Nome": person.first_name[:36],
                       "AnnoNascita": f"{person.birth_date.year:04d}", "LuogoNascita": birthplace,
                       "Genere": "1" if person.sex == "M" else "2", "CodiceCittadinanza": person.citizenship},
        "Indirizzo": {"CodiceRegione": comune.ambito.region_code if comune.ambito_id else "",
                      "CodiceComune": comune.istat_code, "CodiceNazione": ITALY},
    }


def _means_test(intervention, service) -> str:
    if intervention.means_test:
        return intervention.means_test
    if service.isee_max is not None or service.fee == "income_based":
        return MeansTest.ISEE
    return MeansTest.NONE


def _benefit_part(referral, agg, problems, back) -> dict:
    intervention, service, plan = referral.intervention, referral.service, referral.care_plan
    link = _url("monitoring-siuss-intervention", intervention.pk, back)
    term = service.taxonomy_term
    code = term.code if term else ""
    if not 5 <= len(code) <= 10:
        problems.append(Problem(_("The service has no Nomenclatore code of 5 to 10 characters."),
                                _url("monitoring-siuss-service", service.pk, back),
                                "taxonomy_term"))
    name = service.name if len(service.name) >= 10 else f"{service.name} – {term.name if term else ''}".strip()
    attrs = {"CodicePrestazione": code, "DenominazionePrestazione": name[:200]}
    means = _means_test(intervention, service)
    attrs["PresenzaProvaMezzi"] = means
    character = intervention.character or BenefitCharacter.PERIODIC
    attrs["CaratterePrestazione"] = character
    if means == MeansTest.ISEE:
        if not intervention.dsu_protocol or not intervention.dsu_date:
            problems.append(Problem(_("Means-tested benefit without the DSU (ISEE) protocol and date."), link,
                                    "dsu_protocol"))
        else:
            found = DSU_YEAR.search(intervention.dsu_protocol)
            attrs.update(NumeroProtocolloDSU=intervention.dsu_protocol[:30],
                         AnnoProtocolloDSU=found.group(1) if found else f"{intervention.dsu_date.year:04d}",
                         DataDSU=intervention.dsu_date.isoformat())
    if not intervention.request_protocol:
        problems.append(Problem(_("The request protocol is missing."), link, "request_protocol"))
    attrs["ProtocolloDomanda"] = intervention.request_protocol[:32]
    months = max(1, min(12, agg["months"] or 1))
    delivered = agg["amount"]
    if character == BenefitCharacter.PERIODIC:
        monthly = intervention.monthly_amount
        if monthly is None and delivered:
            monthly = Decimal(delivered) / months
        attrs.update(DataInizioPrestazione=agg["start"].isoformat(), DataFinePrestazione=agg["end"].isoformat(),
                     PeriodoErogazione=str(months))
        if monthly is None:
            problems.append(Problem(_("The monthly amount is missing."), link, "monthly_amount"))
        else:
            attrs["ImportoMensile"] = _money(monthly)
    else:
        amount = delivered if delivered else intervention.monthly_amount
        attrs["DataErogazionePrestazione"] = agg["end"].isoformat()
        if amount is None:
            problems.append(Problem(_("The amount of the one-off benefit is missing."), link, "monthly_amount"))
        else:
            attrs["ImportoPrestazione"] = _money(amount)
    if means == MeansTest.ISEE and service.isee_max is not None:
        attrs["ImportoSogliaISEE"] = _money(service.isee_max)
    hours = agg["hours"] or 0
    if hours:
        attrs["OreServizioMensile"] = str(min(999, int((Decimal(hours) / months).to_integral_value(ROUND_HALF_UP))))
    taken = bool(plan.case_manager_id or plan.agreement_signed_on)
    attrs["PresaCarico"] = "1" if taken else "2"
    if taken:
        attrs["AreaUtenza"] = AREA_UTENZA.get(plan.area, "3")
    return attrs


def _deliveries(comune_id, year):
    return {row["referral_id"]: row for row in (
        Delivery.objects.filter(comune_id=comune_id, delivered_on__year=year).values("referral_id")
        .annotate(start=Min("delivered_on"), end=Max("delivered_on"), amount=Sum("amount"), hours=Sum("hours"),
                  months=Count(ExtractMonth("delivered_on"), distinct=True)))}


def _referrals(ids):
    return (Referral.objects.filter(pk__in=ids, intervention__payer=Payer.COMUNE)
            .select_related("person__residence_comune__ambito", "service__taxonomy_term", "intervention",
                            "care_plan").order_by("person_id", "pk"))


def psa_records(comune, year: int, back: str = "") -> list[Record]:
    """PS-PSA: the Comune's benefits of ``year`` (paid by the Comune), each with its problems."""
    aggregates = _deliveries(comune.pk, year)
    records = []
    for referral in _referrals(list(aggregates)):
        problems = []
        data = _person_part(referral.person, problems, back)
        data["Prestazione"] = _benefit_part(referral, aggregates[referral.pk], problems, back)
        records.append(Record("psa", f"psa-{referral.pk}", f"{referral.person.pseudonym} · {referral.service.name}",
                              referral.person_id, data, problems))
    return records


@cache
def _codes(domain):
    from ambito.monitoring.siuss.models import SINA_CODES

    return {code for code, _label in SINA_CODES[domain]}


def sina_values(assessment, rules, record=None) -> dict:
    """The SINA domains of one assessment: what the UVM confirmed (``SinaRecord.values``), else the first
    matching rule of the Ambito's mapping. Rules must be ordered by domain and order."""
    scores = {score.scale_id: score for score in assessment.scores.all()}
    entered = (record.values if record else {}) or {}
    values = {}
    for domain in SinaDomain:
        value = entered.get(domain.value, "")
        if not value:
            for rule in rules.get(domain.value, ()):
                if rule.scale_id is None:
                    value = rule.code
                    break
                score = scores.get(rule.scale_id)
                if score is None:
                    continue
                if rule.item:
                    raw = (score.answers or {}).get(rule.item)
                    if raw is None:
                        continue
                    measured = Decimal(str(raw))
                else:
                    measured = score.score
                if (rule.min_score is None or measured >= rule.min_score) and (
                        rule.max_score is None or measured <= rule.max_score):
                    value = rule.code
                    break
        if value in _codes(domain):
            values[domain.value] = value
    return values


def rules_by_domain(ambito_id) -> dict:
    rules: dict = {}
    for rule in SinaRule.objects.filter(ambito_id=ambito_id).order_by("domain", "order", "id"):
        rules.setdefault(rule.domain, []).append(rule)
    return rules


def sina_records(comune, year: int, back: str = "") -> list[Record]:
    """SINA: the PS-PSA benefits of the persons assessed by the UVM (disability, non-self-sufficiency), each
    with the SINA block of the person's latest completed assessment up to the end of the year."""
    psa = [r for r in psa_records(comune, year, back)]
    person_ids = {r.person_id for r in psa}
    latest = {}
    for assessment in (Assessment.objects.filter(person_id__in=person_ids, status=AssessmentStatus.COMPLETED,
                                                 held_on__lte=dt.date(year, 12, 31),
                                                 request__area__in=SINA_AREAS)
                       .select_related("decision_service__taxonomy_term", "sina").prefetch_related("scores")
                       .order_by("person_id", "held_on", "pk")):
        latest[assessment.person_id] = assessment
    rules = rules_by_domain(comune.ambito_id)
    records = []
    for record in psa:
        assessment = latest.get(record.person_id)
        if assessment is None:
            continue
        sina_record = getattr(assessment, "sina", None)
        values = sina_values(assessment, rules, sina_record)
        link = _url("monitoring-siuss-sina", assessment.pk, back)
        for domain in SINA_REQUIRED:
            if domain.value not in values:
                record.problems.append(Problem(_("SINA: %(domain)s is not recorded and no rule maps it.")
                                               % {"domain": domain.label}, link, domain.value))
        invalidity = [c for c in (sina_record.invalidity if sina_record else []) if c in "12345678"]
        if not invalidity:
            record.problems.append(Problem(_("SINA: the civil invalidity certification is missing."), link,
                                           "invalidity"))
        needs = [record.data["Prestazione"]["CodicePrestazione"]]
        term = assessment.decision_service.taxonomy_term if assessment.decision_service_id else None
        if term and 5 <= len(term.code) <= 10 and term.code not in needs:
            needs.append(term.code)
        record.flow, record.key = "sina", f"sina-{record.key[4:]}"
        record.data["SINA"] = {"attrs": values, "needs": [c for c in needs if 5 <= len(c) <= 10],
                               "invalidity": sorted(set(invalidity)),
                               "source": sina_record.invalidity_source if sina_record else ""}
        records.append(record)
    return records


AGE_BANDS = ((3, "1"), (6, "2"), (9, "3"), (12, "4"), (15, "5"), (18, "6"))


def age_on(birth: dt.date, day: dt.date) -> int:
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


def sinba_records(comune, year: int, back: str = "") -> list[Record]:
    """SINBA: the minors with benefits delivered in the year by the Comune's services, with their card."""
    rows = (Delivery.objects.filter(comune_id=comune.pk, delivered_on__year=year)
            .values("person_id", "service__taxonomy_term__code").annotate(first=Min("delivered_on")))
    codes, first = {}, {}
    for row in rows:
        codes.setdefault(row["person_id"], set()).add(row["service__taxonomy_term__code"] or "")
        first[row["person_id"]] = min(first.get(row["person_id"], row["first"]), row["first"])
    persons = Person.objects.filter(pk__in=list(codes)).select_related("residence_comune__ambito").order_by("pk")
    cards = {card.person_id: card for card in SinbaRecord.objects.filter(person_id__in=list(codes))}
    records = []
    for person in persons:
        age = age_on(person.birth_date, first[person.pk])
        if age >= 18:
            continue
        problems = []
        link = _url("monitoring-siuss-sinba", person.pk, back)
        card = cards.get(person.pk)
        if card is None:
            problems.append(Problem(_("SINBA: the child and family card is missing."), link, "card"))
        else:
            missing = [str(SinbaRecord._meta.get_field(name).verbose_name) for name in SINBA_REQUIRED
                       if not getattr(card, name)]
            if missing:
                problems.append(Problem(_("SINBA: missing %(fields)s.") % {"fields": ", ".join(missing)}, link,
                                        "card"))
        interventions = sorted(c for c in codes[person.pk] if 5 <= len(c) <= 10)
        if not interventions:
            problems.append(Problem(_("SINBA: no intervention has a Nomenclatore code."), link, "codes"))
        band = next(code for limit, code in AGE_BANDS if age < limit)
        data = {"interventions": interventions, "family": sorted(set(card.family)) if card else [],
                "attrs": {}}
        if card is not None and not problems:
            region = person.residence_comune.ambito.region_code if person.residence_comune.ambito_id else ""
            data["attrs"] = {
                "IDBeneficiario": person.pseudonym[:20],
                "MinoreStranieroNoAcc": card.unaccompanied_foreign, "CondizioneMinore": card.child_condition,
                "LuogoVita": card.living_place, "ScuolaFrequentata": card.school,
                "CondizioneLavoro": card.work_condition, "Disabilita": card.disability,
                "CodiceCittadinanzaPadre": card.father_citizenship, "CodiceCittadinanzaMadre": card.mother_citizenship,
                "DataPrimaSegnalazione": card.first_report_on.strftime("%m/%Y"),
                "FonteSegnalazione": card.report_source, "ValutazioneMinore": card.child_assessment,
                "ValutazioneFamigliaMinore": card.family_assessment,
                "SegnalazioneAutoritaGiudiziaria": card.judicial_report,
                "ProvvedimentoGiudiziario": card.judicial_measure, "FasciaEtaBeneficiario": band,
                "AnnoNascita": f"{person.birth_date.year:04d}", "CodiceRegioneResidenza": region,
                "CodiceNazioneResidenza": ITALY,
            }
        records.append(Record("sinba", f"sinba-{person.pk}", person.pseudonym, person.pk, data, problems))
    return records


BUILDERS = {"psa": psa_records, "sina": sina_records, "sinba": sinba_records}


def records(comune, year: int, flow: str, back: str = "") -> list[Record]:
    return BUILDERS[flow](comune, year, back)


# --- XML ------------------------------------------------------------------------------------------------------


@cache
def schema(flow: str) -> etree.XMLSchema:
    return etree.XMLSchema(etree.parse(str(SCHEMAS / SCHEMA_FILE[flow])))


class InvalidFlow(Exception):
    """The file does not validate against the XSD: it is never offered for download."""


def _el(parent, tag, attrs=None):
    element = etree.SubElement(parent, f"{{{NS}}}{tag}")
    for name, value in (attrs or {}).items():
        if value not in (None, ""):
            element.set(name, str(value))
    return element


def build_xml(comune, year: int, flow: str, rows: list[Record]) -> bytes:
    root = etree.Element(f"{{{NS}}}Flusso", nsmap={None: NS})
    ident = _el(root, "IdentificazioneFlusso", {"Nome": f"{FLOW_LABELS[flow]}-{comune.istat_code}-{year}"})
    _el(ident, "Ente", {"Codice": comune.fiscal_code, "Denominazione": f"Comune di {comune.name}"[:100],
                        "Indirizzo": comune.belfiore_code, "CFOperatore": comune.fiscal_code})
    if flow == "sinba":
        for row in rows:
            sinba = _el(root, "SINBA", row.data["attrs"])
            benefits = _el(sinba, "Prestazioni")
            for code in row.data["interventions"]:
                _el(benefits, "CodicePrestazione").text = code
            family = _el(sinba, "Famiglia")
            for code in row.data["family"]:
                _el(family, "ComposizioneFamiglia").text = code
    else:
        by_person: dict = {}
        for row in rows:
            by_person.setdefault(row.data["CodiceFiscale"], []).append(row)
        for code, benefits in by_person.items():
            first = benefits[0].data
            beneficiary = _el(root, "Beneficiario", {"CodiceFiscale": code})
            _el(beneficiary, "Anagrafica", first["Anagrafica"])
            _el(beneficiary, "Indirizzo", first["Indirizzo"])
            for row in benefits:
                benefit = _el(beneficiary, "PrestazioniSociali", row.data["Prestazione"])
                sina = row.data.get("SINA")
                if sina:
                    block = _el(benefit, "SINA", {**sina["attrs"], "FonteDerivazioneInvalidita": sina["source"]})
                    needs = _el(block, "NecessitaInterventiSociali")
                    for need in sina["needs"]:
                        _el(needs, "CodicePrestazione").text = need
                    invalidity = _el(block, "InvaliditaCivile")
                    for item in sina["invalidity"]:
                        _el(invalidity, "InvCiv").text = item
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def validate(flow: str, content: bytes) -> None:
    """Raise ``InvalidFlow`` with the schema's messages unless ``content`` is valid against the flow's XSD."""
    xsd = schema(flow)
    document = etree.fromstring(content, parser=etree.XMLParser(resolve_entities=False, no_network=True))
    if not xsd.validate(document):
        raise InvalidFlow("; ".join(f"line {e.line}: {e.message}" for e in list(xsd.error_log)[:20]))


def write_xml(comune, year: int, flow: str, *, partial: bool = False) -> tuple[bytes, int, int]:
    """The Comune's validated file: (content, records written, records left out). Refused (``ValueError``)
    when a record is incomplete and ``partial`` was not chosen, or when nothing can be sent."""
    if ente_problems(comune):
        raise ValueError(_("The Comune's codice fiscale is missing: no file can be sent."))
    rows = records(comune, year, flow)
    complete = [row for row in rows if row.complete]
    left_out = len(rows) - len(complete)
    if left_out and not partial:
        raise ValueError(_("%(count)d records are incomplete: complete them or choose to send the complete ones.")
                         % {"count": left_out})
    if not complete:
        raise ValueError(_("There is no complete record to send."))
    content = build_xml(comune, year, flow, complete)
    validate(flow, content)
    return content, len(complete), left_out


def preflight(comuni, year: int, back: str = "") -> list[dict]:
    """Per Comune and flow: the complete records and the incomplete ones with their problems."""
    report = []
    for comune in comuni:
        flows = {}
        for flow in FLOWS:
            rows = records(comune, year, flow, back)
            flows[flow] = {"label": FLOW_LABELS[flow], "total": len(rows),
                           "complete": sum(1 for row in rows if row.complete),
                           "incomplete": [row for row in rows if not row.complete]}
        report.append({"comune": comune, "ente": ente_problems(comune, back), "flows": flows})
    return report
