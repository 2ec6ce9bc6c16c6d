from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

istat_code_validator = RegexValidator(r"^\d{6}$", _("An ISTAT Comune code has six digits, e.g. 108033."))


class Ambito(models.Model):
    """*Ambito Territoriale Sociale*: the Comuni that plan and deliver social care together (L. 328/2000 art. 8)."""

    name = models.CharField(_("name"), max_length=200, unique=True)
    code = models.SlugField(_("code"), max_length=40, unique=True)
    region_code = models.CharField(_("ISTAT region code"), max_length=2)
    region_name = models.CharField(_("region"), max_length=100)
    lead_comune = models.ForeignKey(
        "Comune",
        verbose_name=_("lead Comune (capofila)"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    ipa_code = models.CharField(
        _("IPA code"), max_length=20, blank=True,
        help_text=_("Code of the publishing administration in the IPA index (indicepa.gov.it), e.g. the lead "
                    "Comune's c_f704: the open-data catalogue names its publisher by it."))
    open_data_email = models.EmailField(
        _("open-data contact e-mail"), blank=True,
        help_text=_("The address the open-data catalogue gives as its contact point."))
    # SIUSS (D.M. 206/2014, D.M. 103/2019): the paying body names itself by its codice fiscale.
    fiscal_code = models.CharField(
        _("codice fiscale of the Ambito's lead body"), max_length=16, blank=True,
        help_text=_("Eleven digits: the body that pays the Ambito's associated services in SIUSS flows."))

    class Meta:
        verbose_name = _("Ambito")
        verbose_name_plural = _("Ambiti")
        ordering = ["name"]

    def __str__(self):
        return self.name


class Comune(models.Model):
    """A Comune with its official ISTAT and cadastral (Belfiore) codes."""

    istat_code = models.CharField(_("ISTAT code"), max_length=6, unique=True, validators=[istat_code_validator])
    name = models.CharField(_("name"), max_length=200)
    province = models.CharField(_("province"), max_length=100)
    province_code = models.CharField(_("province abbreviation"), max_length=2)
    region = models.CharField(_("region"), max_length=100)
    belfiore_code = models.CharField(_("cadastral (Belfiore) code"), max_length=4, unique=True)
    fiscal_code = models.CharField(
        _("codice fiscale"), max_length=16, blank=True,
        help_text=_("The Comune's codice fiscale (eleven digits): the paying body's code in SIUSS flows."))
    ambito = models.ForeignKey(
        Ambito, verbose_name=_("Ambito"), on_delete=models.PROTECT, null=True, blank=True, related_name="comuni"
    )

    class Meta:
        verbose_name = _("Comune")
        verbose_name_plural = _("Comuni")
        ordering = ["name"]

    def __str__(self):
        return self.name


class Sex(models.TextChoices):
    MALE = "M", _("male")
    FEMALE = "F", _("female")


OPEN_AGE = 100  # ISTAT's last single-year class: "100 e oltre"


class PopulationRecord(models.Model):
    """Residents at 1 January of ``year`` by Comune, sex and single year of age (ISTAT POSAS).
    Five-year bands and other classes are derived in SQL from the single years."""

    comune = models.ForeignKey(Comune, on_delete=models.CASCADE, related_name="population", verbose_name=_("Comune"))
    year = models.PositiveSmallIntegerField(_("year"), validators=[MinValueValidator(1900), MaxValueValidator(2200)])
    sex = models.CharField(_("sex"), max_length=1, choices=Sex.choices)
    age = models.PositiveSmallIntegerField(
        _("age"), validators=[MaxValueValidator(OPEN_AGE)], help_text=_("100 means 100 and over.")
    )
    count = models.PositiveIntegerField(_("residents"))

    class Meta:
        verbose_name = _("population record")
        verbose_name_plural = _("population records")
        constraints = [
            models.UniqueConstraint(fields=["comune", "year", "sex", "age"], name="population_unique_cell"),
            models.CheckConstraint(condition=models.Q(age__lte=OPEN_AGE), name="population_age_max"),
        ]
        indexes = [models.Index(fields=["year", "comune"])]

    def __str__(self):
        return f"{self.comune} {self.year} {self.sex} {self.age}: {self.count}"


class PopulationImport(models.Model):
    """One accepted ISTAT file: where the figures on screen came from."""

    imported_at = models.DateTimeField(_("imported at"), auto_now_add=True)
    year = models.PositiveSmallIntegerField(_("year"))
    source_name = models.CharField(_("file"), max_length=255)
    title = models.CharField(_("title line"), max_length=500, blank=True)
    rows = models.PositiveIntegerField(_("rows"))
    comuni = models.PositiveIntegerField(_("Comuni"))

    class Meta:
        verbose_name = _("population import")
        verbose_name_plural = _("population imports")
        ordering = ["-imported_at"]

    def __str__(self):
        return f"{self.source_name} ({self.year})"
