"""Shared vocabularies of the social-care network: Nomenclatore CISIS user areas, service types and LEPS.
Every app (planning, access, care, monitoring) uses these same values."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Area(models.TextChoices):
    """*Aree di utenza* of the CISIS Nomenclatore degli interventi e servizi sociali (plus mental health,
    which several regional versions list on its own)."""

    FAMILY_MINORS = "famiglia_minori", _("Family and minors")
    DISABILITY = "disabili", _("Disability")
    ELDERLY = "anziani", _("Elderly")
    POVERTY = "poverta", _("Poverty and social exclusion")
    ADDICTIONS = "dipendenze", _("Addictions")
    MENTAL_HEALTH = "salute_mentale", _("Mental health")
    MIGRANTS = "immigrati", _("Migrants")
    MULTI_USER = "multiutenza", _("Multi-user")


class ServiceType(models.TextChoices):
    """Kinds of service the Ambito tracks by name (waiting lists, deliveries, indicators)."""

    SAD = "sad", _("Home care (SAD)")
    ADI = "adi", _("Integrated home care (ADI)")
    SCHOOL_INTEGRATION = "school_integration", _("School integration assistance")
    DAY_CENTRE = "day_centre", _("Day centre")
    RESIDENTIAL = "residential", _("Residential care")
    ECONOMIC_SUPPORT = "economic_support", _("Economic support")
    FAMILY_CENTRE = "family_centre", _("Family centre")
    ANTI_VIOLENCE = "anti_violence", _("Anti-violence centre")
    SOCIAL_SECRETARIAT = "social_secretariat", _("Social secretariat and information")
    PUA = "pua", _("Single point of access (PUA)")
    SOCIAL_EMERGENCY = "social_emergency", _("Social emergency service (pronto intervento sociale)")
    EDUCATIONAL = "educational", _("Educational service")
    MENTAL_HEALTH_SUPPORT = "mental_health_support", _("Mental-health support")
    TRANSPORT = "transport", _("Social transport")
    INFO_POINT = "info_point", _("Information point")
    YOUTH = "youth", _("Youth centre")
    HOUSING = "housing", _("Housing support")
    OTHER = "other", _("Other")


class Leps(models.TextChoices):
    """Essential levels of social services (LEPS) a service contributes to (L. 234/2021, PNISS 2021–2023)."""

    PUA = "pua", _("Single point of access (PUA)")
    PROTECTED_DISCHARGE = "protected_discharge", _("Protected discharges")
    SOCIAL_EMERGENCY = "social_emergency", _("Social emergency service")
    SUPERVISION = "supervision", _("Supervision of social workers")
    HOME_CARE_ELDERLY = "home_care_elderly", _("Home care for non-self-sufficient elderly people")
    INCOME_SUPPORT = "income_support", _("Social inclusion and income support")
    SOCIAL_WORKER_RATIO = "social_worker_ratio", _("Social workers 1 per 5,000 residents")
    HOUSING_FIRST = "housing_first", _("Housing first and homeless services")
    CHILD_PROTECTION = "child_protection", _("Prevention of child removal (P.I.P.P.I.)")
    CAREGIVER_RELIEF = "caregiver_relief", _("Relief services for family caregivers")


class TargetGroup(models.TextChoices):
    """Who a service is for (*destinatari*); a service may serve several groups."""

    MINORS = "minori", _("Minors")
    FAMILIES = "famiglie", _("Families")
    ELDERLY = "anziani", _("Elderly people")
    DISABILITY = "disabili", _("People with disabilities")
    MENTAL_HEALTH = "salute_mentale", _("Mental health")
    ADDICTIONS = "dipendenze", _("Addictions")
    POVERTY = "poverta", _("Poverty and social exclusion")
    MIGRANTS = "immigrati", _("Migrants")
    WOMEN_VIOLENCE = "donne_violenza", _("Women facing violence")
    YOUTH = "giovani", _("Young people")
    CAREGIVERS = "caregiver", _("Family caregivers")
    PATIENTS = "malati", _("Patients and their families")
    ALL = "tutti", _("All residents")


class Fee(models.TextChoices):
    """How much a citizen pays (*compartecipazione al costo*)."""

    FREE = "free", _("Free")
    INCOME_BASED = "income_based", _("Income-based (ISEE)")
    PAID = "paid", _("Paid")
