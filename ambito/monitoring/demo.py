"""Demo satisfaction surveys with answers spread from 2021 to today (deterministic, idempotent)."""

import datetime as dt
import random

from django.utils import timezone

from ambito.monitoring.models import (
    Moderation,
    QuestionKind,
    ResponseChannel,
    Survey,
    SurveyAnswer,
    SurveyQuestion,
    SurveyResponse,
)

QUESTIONS = [
    ("Come valuta la cortesia degli operatori?", QuestionKind.SCALE),
    ("Gli orari e la puntualità degli interventi rispondono alle sue esigenze?", QuestionKind.SCALE),
    ("Nel complesso, quanto è soddisfatto del servizio?", QuestionKind.SCALE),
    ("Vuole lasciarci un suggerimento?", QuestionKind.TEXT),
]
SURVEYS = [
    ("sad_monza", "Questionario di gradimento SAD — Monza", 90, (3, 5)),
    ("sad_brugherio", "Questionario di gradimento SAD — Brugherio e Villasanta", 54, (2, 5)),
    ("adi", "Questionario di gradimento ADI", 66, (3, 5)),
    ("pua", "Come è andata al Punto Unico di Accesso?", 40, (2, 5)),
]
FIRST_DAY = dt.date(2021, 2, 1)  # answers spread from the first year of the Piano di Zona 2021–2023
COMMENTS = ["Operatrici molto gentili e preparate.", "Vorrei orari più flessibili il sabato.",
            "Servizio puntuale, grazie.", "Tempi di attesa per la prima visita un po' lunghi."]


def load(ctx):
    if not ctx.services:
        return
    _link_plan_indicators(ctx)
    from ambito.monitoring import demo_money  # issue 19: providers' invoices paid at the unit costs

    demo_money.load(ctx)
    rng = random.Random(2026)
    today = timezone.localdate()
    for key, title, count, (low, high) in SURVEYS:
        service = ctx.services.get(key)
        if service is None:
            continue
        survey, created = Survey.objects.get_or_create(
            service=service, title=title,
            defaults={"introduction": "Bastano due minuti. Le risposte sono anonime."},
        )
        if created:
            SurveyQuestion.objects.bulk_create(
                SurveyQuestion(survey=survey, order=i, text=text, kind=kind, required=kind == QuestionKind.SCALE)
                for i, (text, kind) in enumerate(QUESTIONS, start=1)
            )
        if survey.responses.exists():
            continue
        questions = list(survey.questions.all())
        for n in range(count):
            day = today - dt.timedelta(days=rng.randint(0, (today - FIRST_DAY).days))
            response = SurveyResponse.objects.create(
                survey=survey, channel=ResponseChannel.PAPER if n % 4 == 0 else ResponseChannel.ONLINE,
                submitted_at=timezone.make_aware(dt.datetime.combine(day, dt.time(10 + n % 8))),
            )
            answers = []
            for question in questions:
                if question.kind == QuestionKind.SCALE:
                    answers.append(SurveyAnswer(response=response, question=question, score=rng.randint(low, high)))
                elif n % 6 == 0:
                    answers.append(SurveyAnswer(
                        response=response, question=question, text=COMMENTS[n % len(COMMENTS)],
                        moderation=Moderation.APPROVED if n % 12 == 0 else Moderation.PENDING))
            SurveyAnswer.objects.bulk_create(answers)
    ctx.say("satisfaction surveys with answers")
    from ambito.monitoring import demo_siuss

    demo_siuss.load(ctx)


# The demo plan's indicators measured by the monitoring indicators: (start of the indicator's name, code,
# service key or None for the whole Ambito)
PLAN_LINKS = [
    ("Giorni di attesa per l'attivazione del SAD", "waiting_days_median", "sad_monza"),
    ("Giorni di attesa per l'assistenza educativa scolastica", "waiting_days_median", "school"),
    ("Dimissioni protette con i servizi attivi", "discharges_services_active", None),
]


def _link_plan_indicators(ctx):
    """Tie the demo plan's indicators to the monitoring indicators that measure them (the SAD of Monza's and
    the school integration's waiting days, the protected discharges with services active on the day)."""
    from ambito.monitoring.models import PlanIndicatorLink
    from ambito.planning.models import Indicator

    for name, code, service_key in PLAN_LINKS:
        if service_key is not None and service_key not in ctx.services:
            continue
        indicator = Indicator.objects.filter(intervention__plan__ambito=ctx.ambito, intervention__plan__start_year=2021,
                                             name__startswith=name).order_by("pk").first()
        if indicator is not None:
            PlanIndicatorLink.objects.get_or_create(plan_indicator=indicator, defaults={
                "code": code, "service": ctx.services.get(service_key) if service_key else None})
