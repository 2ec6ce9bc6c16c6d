"""What SIUSS asks that no other app records (imported by ``monitoring.models``):

- ``SinaRule``: how an Ambito maps its assessment scales to the SINA domains (*Sistema Informativo sulla Non
  Autosufficienza*, D.M. 22 agosto 2019 n. 103); the first matching rule of a domain gives its code;
- ``SinaRecord``: what the UVM confirmed or added for one assessment (domains no scale measures, the civil
  invalidity certifications); a value entered here wins over the rules;
- ``SinbaRecord``: the child-and-family card of SINBA (*Sistema Informativo sulla cura e la protezione dei
  Bambini e delle loro fAmiglie*) for one minor taken in charge.

Codes are the INPS ones (``schemas/``): one source for the form choices and the XML."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class SinaDomain(models.TextChoices):
    """SINA attributes of the PS-PSA record, named as in the XSD."""

    MOBILITY = "Mobilita", _("Mobility")
    DAILY_LIVING = "AttivitaVitaQuotidiana", _("Activities of daily living")
    COGNITIVE = "DisturbiAreaCognitiva", _("Cognitive disorders")
    BEHAVIOUR = "DisturbiComportamentali", _("Behavioural disorders")
    HEALTH_CARE = "NecessitaCureSanitarie", _("Need of health care")
    INCOME = "AreaReddituale", _("Income")
    SUPPORT = "AreaSupporto", _("Support network")
    SOURCE = "FonteDerivazioneValutazione", _("Source of the assessment")
    INSTRUMENT = "StrumentoValutazione", _("Assessment instrument")


# Required by the XSD (the seven of D.M. 103/2019 plus the need of health care, required by the 2018 XSD).
SINA_REQUIRED = [SinaDomain.MOBILITY, SinaDomain.DAILY_LIVING, SinaDomain.BEHAVIOUR, SinaDomain.HEALTH_CARE,
                 SinaDomain.INCOME, SinaDomain.SUPPORT, SinaDomain.SOURCE, SinaDomain.INSTRUMENT]

SINA_CODES = {
    SinaDomain.MOBILITY: [("1", _("Moves alone")), ("2", _("Moves with help")), ("3", _("Does not move"))],
    SinaDomain.DAILY_LIVING: [("1", _("Independent")), ("2", _("Partly dependent")), ("3", _("Fully dependent"))],
    SinaDomain.COGNITIVE: [("1", _("Mild")), ("2", _("Moderate")), ("3", _("Severe"))],
    SinaDomain.BEHAVIOUR: [("1", _("Absent")), ("2", _("Present"))],
    SinaDomain.HEALTH_CARE: [("1", _("Low")), ("2", _("Medium")), ("3", _("High"))],
    SinaDomain.INCOME: [("1", _("Independent and financially balanced")),
                        ("2", _("Helped by relatives or others")),
                        ("3", _("In economic need without help"))],
    SinaDomain.SUPPORT: [("1", _("Family or informal network present")),
                         ("2", _("Network present in part or for a time")), ("3", _("No family or informal network"))],
    SinaDomain.SOURCE: [("1", _("UVM")), ("2", _("Social record")), ("3", _("Other documents")),
                        ("4", _("Collected directly"))],
    SinaDomain.INSTRUMENT: [("1", "SVAMA"), ("2", "AGED"), ("3", "RUG"), ("4", "SOSIA"), ("5", _("Polar scheme")),
                            ("6", "VALGRAF"), ("7", _("Other coding system"))],
}

INVALIDITY_CODES = [
    ("1", _("Partial civil invalidity, at least 75%")),
    ("2", _("Total civil invalidity (100%) with attendance allowance")),
    ("3", _("Total civil invalidity (100%) without attendance allowance")),
    ("4", _("Child neuropsychiatry (NPI) certification")),
    ("5", _("L. 104 art. 3 c. 1")), ("6", _("L. 104 art. 3 c. 3")), ("7", _("L. 104 art. 12")),
    ("8", _("L. 104 art. 13")),
]


class SinaRule(models.Model):
    """One line of an Ambito's SINA mapping: when the assessment scored ``scale`` (its total, or the answer to
    ``item``) between ``min_score`` and ``max_score``, the domain takes ``code``. A rule without a scale is the
    domain's default. Rules are read in ``order``; the first that matches wins."""

    ambito = models.ForeignKey("territory.Ambito", on_delete=models.CASCADE, related_name="sina_rules",
                               verbose_name=_("Ambito"))
    domain = models.CharField(_("SINA domain"), max_length=30, choices=SinaDomain.choices)
    scale = models.ForeignKey("access.Scale", on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                              verbose_name=_("scale"))
    item = models.CharField(_("scale item"), max_length=40, blank=True,
                            help_text=_("Empty: the scale's total score."))
    min_score = models.DecimalField(_("from score"), max_digits=6, decimal_places=1, null=True, blank=True)
    max_score = models.DecimalField(_("to score"), max_digits=6, decimal_places=1, null=True, blank=True)
    code = models.CharField(_("SINA code"), max_length=2)
    order = models.PositiveSmallIntegerField(_("order"), default=100)

    class Meta:
        verbose_name = _("SINA mapping rule")
        verbose_name_plural = _("SINA mapping rules")
        ordering = ["ambito", "domain", "order", "id"]

    def __str__(self):
        return f"{self.domain} → {self.code}"


class SinaRecord(models.Model):
    """The SINA block of one UVM assessment as the UVM confirmed it: each domain left empty is read from the
    Ambito's rules."""

    assessment = models.OneToOneField("access.Assessment", on_delete=models.CASCADE, related_name="sina",
                                      verbose_name=_("assessment"))
    values = models.JSONField(_("domain codes"), default=dict, blank=True)
    invalidity = models.JSONField(_("civil invalidity certifications"), default=list, blank=True)
    invalidity_source = models.CharField(
        _("source of the invalidity"), max_length=1, blank=True,
        choices=[("1", _("Certificate checked online or on paper")), ("2", _("Declared by the person"))])
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+", verbose_name=_("updated by"))
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("SINA record")
        verbose_name_plural = _("SINA records")

    def __str__(self):
        return f"SINA {self.assessment_id}"


YES_NO = [("1", _("Yes")), ("2", _("No"))]


class SinbaRecord(models.Model):
    """SINBA card of a minor taken in charge (*presa in carico*): the child, the family, why the service took
    the child in charge. The interventions come from the benefits delivered, the age band and year of birth
    from the person. Blank answers are what the pre-flight report lists."""

    person = models.OneToOneField("access.Person", on_delete=models.CASCADE, related_name="sinba",
                                  verbose_name=_("minor"))
    unaccompanied_foreign = models.CharField(_("unaccompanied foreign minor"), max_length=1, choices=YES_NO,
                                             blank=True)
    child_condition = models.CharField(_("condition of the minor"), max_length=1, blank=True, choices=[
        ("1", _("Not an orphan")), ("2", _("Orphan of both parents")), ("3", _("Orphan of the father")),
        ("4", _("Orphan of the mother")), ("5", _("Parents unknown"))])
    living_place = models.CharField(_("where the minor lives"), max_length=1, blank=True, choices=[
        ("1", _("With the family")), ("2", _("With relatives")), ("3", _("With a foster family")),
        ("4", _("In a social residential facility")), ("5", _("In a health residential facility")),
        ("6", _("In a juvenile prison")), ("7", _("With friends or acquaintances")), ("8", _("Homeless"))])
    school = models.CharField(_("school attended"), max_length=1, blank=True, choices=[
        ("1", _("None")), ("2", _("In the facility")), ("3", _("Nursery")), ("4", _("Pre-school")),
        ("5", _("Primary school")), ("6", _("Lower secondary school")), ("7", _("Upper secondary school")),
        ("8", _("Vocational training"))])
    work_condition = models.CharField(_("work condition"), max_length=1, blank=True, choices=[
        ("1", _("Inactive")), ("2", _("Employed")), ("3", _("Unemployed, looking for work")),
        ("4", _("Looking for a first job"))])
    disability = models.CharField(_("disability"), max_length=1, choices=YES_NO, blank=True)
    family = models.JSONField(_("who lives with the minor"), default=list, blank=True)
    first_report_on = models.DateField(_("first report"), null=True, blank=True,
                                       help_text=_("When the service first heard of the minor (month and year)."))
    report_source = models.CharField(_("who reported"), max_length=2, blank=True, choices=[
        ("1", _("Juvenile justice social service")), ("2", _("Another social service")),
        ("3", _("Health services, GP or paediatrician")), ("4", _("Third sector or volunteers")),
        ("5", _("Police")), ("6", _("The minor")), ("7", _("Foster parents or guardian")),
        ("8", _("Parents, siblings or other relatives living together")), ("9", _("Relatives living elsewhere")),
        ("10", _("Ordinary court")), ("11", _("Juvenile judicial authority")), ("12", _("Private professional")),
        ("13", _("School")), ("14", _("Neighbours or acquaintances"))])
    child_assessment = models.CharField(_("reason concerning the minor"), max_length=2, blank=True, choices=[
        ("1", _("No specific problem")), ("2", _("Relational and behavioural problems")), ("3", _("Addictions")),
        ("4", _("Presumed abandonment")), ("5", _("Health problems")),
        ("6", _("Sexual violence, prostitution, trafficking")), ("7", _("Other violence or maltreatment")),
        ("8", _("Serious deviant behaviour")), ("9", _("Autonomy problems, disability")),
        ("10", _("Involved in criminal proceedings")), ("11", _("Pregnant or a minor mother")),
        ("12", _("Unaccompanied foreign minor")), ("13", _("Left school"))])
    family_assessment = models.CharField(_("reason concerning the family"), max_length=2, blank=True, choices=[
        ("1", _("No specific problem")), ("2", _("Fragile or inadequate parenting")), ("3", _("Addiction")),
        ("4", _("Psychiatric problems")), ("5", _("Other health problems")), ("6", _("Serious family conflict")),
        ("7", _("Maltreating family")), ("8", _("Abusing family")), ("9", _("Judicial problems")),
        ("10", _("Pre-adoptive fostering failed in the first year")), ("11", _("Health obligations not met")),
        ("12", _("Economic difficulties")), ("13", _("Housing difficulties"))])
    judicial_report = models.CharField(_("reported to the judicial authority"), max_length=1, choices=YES_NO,
                                       blank=True)
    judicial_measure = models.CharField(_("judicial measure"), max_length=1, choices=YES_NO, blank=True)
    father_citizenship = models.CharField(_("father's citizenship (ISTAT)"), max_length=3, blank=True)
    mother_citizenship = models.CharField(_("mother's citizenship (ISTAT)"), max_length=3, blank=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+", verbose_name=_("updated by"))
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("SINBA card")
        verbose_name_plural = _("SINBA cards")

    def __str__(self):
        return f"SINBA {self.person_id}"


FAMILY_CODES = [("1", _("Mother")), ("2", _("Father")), ("3", _("Brothers or sisters")), ("4", _("Grandparent")),
                ("5", _("Partner of the mother or father")), ("6", _("Others living together"))]

SINBA_REQUIRED = ["unaccompanied_foreign", "child_condition", "living_place", "school", "work_condition",
                  "disability", "first_report_on", "report_source", "child_assessment", "family_assessment",
                  "judicial_report", "judicial_measure", "family"]
