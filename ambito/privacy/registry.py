"""Where personal data about a person lives (*registro delle fonti di dati personali*).

One declarative entry per model holding data about a ``access.Person``: the path from the model to the
person, what the data is for, on which legal basis, who receives it and how long it must be kept. Three
things are built from this list and nothing else:

- the subject access export (GDPR art. 15): every source, filtered by its path to the person;
- erasure (art. 17): ``erasure`` says what happens to a source's rows (see ``Erasure``);
- the record of processing activities (art. 30): categories, purposes, bases, recipients, retention.

``tests/test_registry.py`` walks every installed model: one with a foreign key or many-to-many to Person
that is not declared here fails the test until it is.

Retention (*obblighi di conservazione*) in Italian law, as applied here:

- Social service case files (*cartella sociale*: requests, triage, UVM assessments, PAI, referrals, notes)
  are public administration records; they are kept as the Comune's archive retention plan sets (*piano di
  conservazione*, DPR 445/2000 art. 68; D.Lgs. 42/2004 art. 10 makes public archives cultural heritage that
  may not be destroyed without the Soprintendenza's leave). They cannot be deleted on request (GDPR art.
  17(3)(b) legal obligation, (e) legal claims): they are restricted.
- Health and socio-health records (UVM scales, protected discharges, ADI) follow the clinical record rule:
  kept without limit (Circolare Ministero della Sanità 19 dicembre 1986 n. 61).
- Deliveries, health budgets and their expenses are accounting evidence of public money (invoices from
  providers, contributions paid): ten years (art. 2220 codice civile), and they feed the SIUSS flow
  (D.Lgs. 147/2017 art. 24).
- Consents and notices prove the lawfulness of past processing (GDPR art. 7(1), 5(2)): kept as long as the
  processing they justified may be questioned.
"""

from dataclasses import dataclass, field

from django.apps import apps
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Erasure:
    """What erasure (art. 17) does to a source's rows."""

    # Kept and restricted (art. 17(3)(b)): the rows and their substance stay; direct identifiers of the
    # person in their free text (names, codice fiscale, contacts) are replaced by the pseudonym.
    RETAIN = "retain"
    # No obligation to keep: rows deleted.
    DELETE = "delete"
    # The person record itself: identity and contacts replaced, the pseudonym kept as the only key.
    PSEUDONYMISE = "pseudonymise"


# Data categories (art. 30(1)(c)); HEALTH and the like are special categories (art. 9).
IDENTIFICATION = "identification"
CONTACT = "contact"
SOCIAL = "social"
ECONOMIC = "economic"
HEALTH = "health"
FREE_TEXT = "free_text"
ADMINISTRATIVE = "administrative"

CATEGORY_LABELS = {
    IDENTIFICATION: _("Identification data (names, codice fiscale, birth date, sex)"),
    CONTACT: _("Contact data (address, phone, e-mail)"),
    SOCIAL: _("Social and family situation"),
    ECONOMIC: _("Economic data (ISEE band, contributions, payments)"),
    HEALTH: _("Health data and autonomy (art. 9 GDPR)"),
    FREE_TEXT: _("Free text written by operators"),
    ADMINISTRATIVE: _("Administrative data of the case (dates, states, services, providers)"),
}
SPECIAL_CATEGORIES = frozenset({HEALTH})

# Categories of data subjects (art. 30(1)(c)).
SUBJECT_PERSONS = _("Persons asking for or receiving social and socio-health services")
SUBJECT_FAMILY = _("Family members, caregivers and guardians named in the case")

# Legal bases (art. 6 and 9).
BASIS_PUBLIC_TASK = _("Art. 6(1)(e) public task (L. 328/2000; regional law on social services)")
BASIS_LEGAL_OBLIGATION = _("Art. 6(1)(c) legal obligation (accounting, SIUSS flow D.Lgs. 147/2017)")
BASIS_HEALTH = _("Art. 9(2)(h) health and social care, and 9(2)(g) substantial public interest "
                 "(D.Lgs. 196/2003 art. 2-sexies)")
BASIS_ACCOUNTABILITY = _("Art. 6(1)(c) legal obligation to demonstrate compliance (art. 5(2), 7(1))")

# Recipients (art. 30(1)(d)).
TO_CASE_TEAM = _("Social workers of the Comune of residence and of organisations the person was shared with")
TO_HEALTH = _("ASL/ASST district operators and the GP who sent the request")
TO_PROVIDERS = _("Providers (ETS, cooperatives) the person is referred to, minimum data to deliver")
TO_REGION = _("Region and Ministry (SIUSS), pseudonymised or aggregated")
TO_DPO = _("Data protection officer")

# Retention (art. 30(1)(f)).
KEEP_CASE_FILE = _("As the Comune's archive retention plan sets for the social case file (DPR 445/2000 art. 68)")
KEEP_HEALTH = _("Without limit, as clinical records (Circ. Min. Sanità 61/1986)")
KEEP_ACCOUNTING = _("10 years from the last entry (art. 2220 c.c.)")
KEEP_ACCOUNTABILITY = _("As long as the processing it justifies may be questioned (art. 7(1), 5(2) GDPR)")
KEEP_WHILE_NEEDED = _("While the case is open; removed on erasure")


@dataclass(frozen=True)
class PersonDataSource:
    """One model holding data about a person.

    ``person_path`` is the ORM lookup from the model to the Person ("" for the Person itself);
    ``categories`` maps data categories to the model's fields (fields not listed are ``ADMINISTRATIVE``)."""

    model: str
    person_path: str
    purpose: str
    legal_basis: str
    recipients: tuple
    retention: str
    erasure: str = Erasure.RETAIN
    categories: dict = field(default_factory=dict)
    subjects: tuple = (SUBJECT_PERSONS,)
    # Fields left out of the export (technical: optimistic-lock version, hashes of secrets).
    hidden_fields: tuple = ("version",)

    @property
    def model_class(self):
        return apps.get_model(self.model)

    @property
    def key(self) -> str:
        return self.model

    def person_q(self, person_ids) -> Q:
        path = f"{self.person_path}__id__in" if self.person_path else "id__in"
        return Q(**{path: list(person_ids)})

    def rows_for(self, person):
        # the base manager: rows a default manager leaves out (cancelled deliveries, expenses) are the person's too
        return self.model_class._base_manager.filter(self.person_q([person.pk]))

    @property
    def special(self) -> bool:
        return bool(SPECIAL_CATEGORIES & set(self.categories))


_CASE = dict(purpose=_("Access to social and socio-health services through the PUA: intake, triage, assessment"),
             legal_basis=f"{BASIS_PUBLIC_TASK}; {BASIS_HEALTH}", recipients=(TO_CASE_TEAM, TO_HEALTH, TO_DPO),
             retention=KEEP_CASE_FILE)
_CARE = dict(purpose=_("Care planning and delivery (PAI, referrals, case notes)"),
             legal_basis=f"{BASIS_PUBLIC_TASK}; {BASIS_HEALTH}",
             recipients=(TO_CASE_TEAM, TO_HEALTH, TO_PROVIDERS, TO_DPO), retention=KEEP_CASE_FILE)
_MONEY = dict(purpose=_("Funding and accounting of services delivered and contributions paid"),
              legal_basis=f"{BASIS_PUBLIC_TASK}; {BASIS_LEGAL_OBLIGATION}",
              recipients=(TO_CASE_TEAM, TO_PROVIDERS, TO_REGION, TO_DPO), retention=KEEP_ACCOUNTING)
_HEALTH = dict(purpose=_("Protected discharge from hospital or residential care"),
               legal_basis=f"{BASIS_PUBLIC_TASK}; {BASIS_HEALTH}", recipients=(TO_CASE_TEAM, TO_HEALTH, TO_DPO),
               retention=KEEP_HEALTH)

SOURCES: tuple[PersonDataSource, ...] = (
    # --- access ---------------------------------------------------------------------------------------------
    PersonDataSource(
        "access.Person", "", erasure=Erasure.PSEUDONYMISE,
        purpose=_("Identifying the person served by the social services of the Ambito"),
        legal_basis=BASIS_PUBLIC_TASK, recipients=(TO_CASE_TEAM, TO_HEALTH, TO_DPO),
        retention=_("As long as any record below is kept; identity pseudonymised on erasure"),
        categories={IDENTIFICATION: ["fiscal_code", "first_name", "last_name", "birth_date", "sex",
                                     "residence_comune", "pseudonym"],
                    CONTACT: ["address", "phone", "email"], SOCIAL: ["lives_alone", "household_notes"]},
        subjects=(SUBJECT_PERSONS, SUBJECT_FAMILY)),
    # Sharing a person with another organisation has no retention of its own: removed on erasure.
    PersonDataSource(
        "access.Person_shared_with", "person", erasure=Erasure.DELETE,
        purpose=_("Sharing a person with another organisation that works on the case"),
        legal_basis=BASIS_PUBLIC_TASK, recipients=(TO_CASE_TEAM,), retention=KEEP_WHILE_NEEDED, hidden_fields=()),
    # A request to share (someone outside the person's scope typed their data): who asked, for which office.
    PersonDataSource(
        "access.PersonShareRequest", "person", erasure=Erasure.DELETE,
        purpose=_("Sharing a person with another organisation that works on the case"),
        legal_basis=BASIS_PUBLIC_TASK, recipients=(TO_CASE_TEAM,), retention=KEEP_WHILE_NEEDED),
    # The person's family and support network, guardian and support administrator: part of the case file.
    PersonDataSource("access.PersonContact", "person", categories={
        IDENTIFICATION: ["name", "relationship"], CONTACT: ["phone", "email", "address"],
        SOCIAL: ["kind", "lives_with_person", "court_decree"], FREE_TEXT: ["note", "ended_reason"]},
        subjects=(SUBJECT_FAMILY,), **_CASE),
    PersonDataSource("access.PersonTransfer", "person", categories={
        IDENTIFICATION: ["from_comune", "to_comune"], FREE_TEXT: ["reason", "handover_note"]}, **_CASE),
    PersonDataSource(
        "access.Consent", "person", purpose=_("Information notices and consents (GDPR art. 13, 7)"),
        legal_basis=BASIS_ACCOUNTABILITY, recipients=(TO_CASE_TEAM, TO_DPO), retention=KEEP_ACCOUNTABILITY,
        categories={FREE_TEXT: ["note"]}),
    PersonDataSource("access.AccessRequest", "person", categories={
        SOCIAL: ["need", "area", "urgency"], HEALTH: ["triage_inputs"],
        FREE_TEXT: ["triage_explanation", "outcome_note"]}, subjects=(SUBJECT_PERSONS, SUBJECT_FAMILY), **_CASE),
    PersonDataSource("access.RequestStatusChange", "request__person", categories={FREE_TEXT: ["note"]}, **_CASE),
    PersonDataSource("access.Assessment", "person", categories={
        HEALTH: ["need_profile", "intensity", "team"], FREE_TEXT: ["notes"]}, **_CASE),
    PersonDataSource("access.ScaleScore", "assessment__person", categories={
        HEALTH: ["answers", "score", "corrected_score", "band", "max_score", "applicable_items"]}, **_CASE),
    PersonDataSource("access.WaitingListEntry", "person", categories={
        HEALTH: ["uvm_intensity"], SOCIAL: ["lives_alone", "caregiver_burden", "urgency"],
        ECONOMIC: ["isee_band"], FREE_TEXT: ["skip_reason", "removal_reason"]}, **_CASE),
    # --- care -----------------------------------------------------------------------------------------------
    PersonDataSource("care.CarePlan", "person", categories={
        HEALTH: ["summary"], SOCIAL: ["area"], IDENTIFICATION: ["agreement_signed_by"]},
        subjects=(SUBJECT_PERSONS, SUBJECT_FAMILY), **_CARE),
    PersonDataSource("care.CarePlanRevision", "care_plan__person", categories={
        FREE_TEXT: ["summary"], SOCIAL: ["snapshot"]}, **_CARE),
    PersonDataSource("care.Goal", "care_plan__person", categories={
        SOCIAL: ["description", "indicator", "baseline", "target"]}, **_CARE),
    PersonDataSource("care.GoalReview", "goal__care_plan__person", categories={
        SOCIAL: ["measured_value"], FREE_TEXT: ["note"]}, **_CARE),
    PersonDataSource("care.PlannedIntervention", "care_plan__person", categories={
        ECONOMIC: ["person_share", "payer"]}, **_CARE),
    PersonDataSource("care.HealthBudget", "person", categories={HEALTH: ["area"]}, **_MONEY),
    PersonDataSource("care.HealthBudgetMember", "budget__person", categories={IDENTIFICATION: ["name"]},
                     subjects=(SUBJECT_PERSONS, SUBJECT_FAMILY), **_MONEY),
    PersonDataSource("care.HealthBudgetLine", "budget__person", categories={
        ECONOMIC: ["planned_amount", "funder"]}, **_MONEY),
    PersonDataSource("care.HealthBudgetExpense", "line__budget__person", categories={
        ECONOMIC: ["amount"], FREE_TEXT: ["description"]}, **_MONEY),
    PersonDataSource("care.Referral", "person", categories={
        SOCIAL: ["what_to_deliver"], FREE_TEXT: ["decline_note", "outcome_note"]}, **_CARE),
    PersonDataSource("care.ReferralStatusChange", "referral__person", categories={FREE_TEXT: ["note"]}, **_CARE),
    # Answer links are single-use credentials for the provider, useless once the loop is closed.
    PersonDataSource("care.ReferralLink", "referral__person", erasure=Erasure.DELETE,
                     purpose=_("Single-use answer links e-mailed to providers without an account"),
                     legal_basis=BASIS_PUBLIC_TASK, recipients=(TO_PROVIDERS,), retention=KEEP_WHILE_NEEDED,
                     hidden_fields=("nonce_hash",)),
    PersonDataSource("care.Delivery", "person", categories={
        ECONOMIC: ["amount"], HEALTH: ["delivery_type"], FREE_TEXT: ["notes"]}, **_MONEY),
    PersonDataSource("care.Discharge", "person", categories={HEALTH: ["setting", "facility"]}, **_HEALTH),
    PersonDataSource("care.DischargeService", "discharge__person", **_HEALTH),
    PersonDataSource("care.DischargeTask", "discharge__person", categories={FREE_TEXT: ["label"]}, **_HEALTH),
    PersonDataSource("care.CaseNote", "person", categories={FREE_TEXT: ["text"]},
                     subjects=(SUBJECT_PERSONS, SUBJECT_FAMILY), **_CARE),
    PersonDataSource("care.CaseAttachment", "note__person", categories={FREE_TEXT: ["file", "original_name"]},
                     subjects=(SUBJECT_PERSONS, SUBJECT_FAMILY), **_CARE),
    # --- monitoring -----------------------------------------------------------------------------------------
    # The SINBA card of a minor (D.M. 103/2019): sent to INPS by the Comune's SIUSS officer.
    PersonDataSource("monitoring.SinbaRecord", "person",
                     purpose=_("SINBA flow to INPS: minors and families taken in charge"),
                     legal_basis=f"{BASIS_LEGAL_OBLIGATION}; {BASIS_HEALTH}",
                     recipients=(TO_CASE_TEAM, TO_REGION, TO_DPO), retention=KEEP_CASE_FILE,
                     categories={SOCIAL: ["unaccompanied_foreign", "child_condition", "living_place", "school",
                                          "work_condition", "family", "first_report_on", "report_source",
                                          "child_assessment", "family_assessment", "judicial_report",
                                          "judicial_measure", "father_citizenship", "mother_citizenship"],
                                 HEALTH: ["disability"]},
                     subjects=(SUBJECT_PERSONS, SUBJECT_FAMILY)),
    # --- privacy --------------------------------------------------------------------------------------------
    PersonDataSource("privacy.PrivacyRequest", "person",
                     purpose=_("Handling the person's requests under GDPR articles 15–22"),
                     legal_basis=BASIS_ACCOUNTABILITY, recipients=(TO_DPO,), retention=KEEP_ACCOUNTABILITY,
                     categories={FREE_TEXT: ["notes", "outcome"]}),
)


@dataclass(frozen=True)
class OtherActivity:
    """A processing activity that holds no person-linked rows (art. 30 lists it all the same)."""

    name: str
    purpose: str
    subjects: str
    categories: str
    legal_basis: str
    recipients: str
    retention: str


OTHER_ACTIVITIES: tuple[OtherActivity, ...] = (
    OtherActivity(
        _("Operators' accounts and access log"), _("Authentication and accountability of every read and write "
                                                   "of personal data (art. 5(2), 32)"),
        _("Operators of the Ambito, the ASL, providers"), _("Names, e-mail, organisation, role; log of accesses "
                                                          "by pseudonym"),
        BASIS_LEGAL_OBLIGATION, TO_DPO, _("Access log: as the security policy sets (at least 6 months)")),
    OtherActivity(
        _("Info-point contacts"), _("Counting and describing contacts at info-points"),
        _("Citizens contacting an info-point"), _("Topic and channel of the contact, no identity"),
        BASIS_PUBLIC_TASK, _("Planning office"), _("While needed for monitoring")),
    OtherActivity(
        _("Satisfaction surveys"), _("Quality control of services with citizens"), _("Respondents"),
        _("Anonymous answers: no identity is collected; to limit repeated online answers, a keyed hash of the "
          "address and the questionnaire is kept for one day"), BASIS_PUBLIC_TASK, _("Planning office"),
        _("While needed for monitoring")),
)


def sources() -> tuple[PersonDataSource, ...]:
    return SOURCES


def source_for(model) -> PersonDataSource | None:
    label = model._meta.label
    return next((s for s in SOURCES if s.model == label), None)
