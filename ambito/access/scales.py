"""The standard scales shipped with Ambito, as data. The data migrations 0002 and 0010 load them (0010 adds two
SVAMA sections); a Region's other scales are added the same way, or edited on the scales' pages, without code.

Labels are in Italian because they are the validated wording used by the Italian UVM teams."""

NEVER_DONE = {"value": "nd", "label": "Attività mai svolta", "points": None}


def _points(*pairs):
    return [{"value": str(points), "label": label, "points": points} for points, label in pairs]


def _scale(code, name, description, *, scores, direction, bands, items, not_applicable=False, variant_of=None):
    """A scale's definition: ``scores`` is (lowest, highest), each band (from, to, label)."""
    definition = {"code": code, "name": name, "description": description, "min_score": scores[0],
                  "max_score": scores[1], "direction": direction, "allows_not_applicable": not_applicable,
                  "bands": [{"min": low, "max": high, "label": label} for low, high, label in bands], "items": items}
    if variant_of:
        definition["variant_of"] = variant_of
    return definition


def _lettered(*pairs):
    return [{"value": "abcdefgh"[i], "label": label, "points": points} for i, (points, label) in enumerate(pairs)]


# Barthel Index (Mahoney & Barthel 1965), 10 items, standard weights 0–100.
BARTHEL = _scale(
    "barthel", "Indice di Barthel (ADL)",
    "Autonomia nelle attività di base della vita quotidiana (Mahoney e Barthel, 1965): 10 attività, "
    "punteggio 0–100.",
    scores=(0, 100), direction="higher_better",
    bands=[(0, 20, "Dipendenza totale"), (21, 60, "Dipendenza grave"), (61, 90, "Dipendenza moderata"),
           (91, 99, "Dipendenza lieve"), (100, 100, "Autonomia")],
    items=[
        ("feeding", "Alimentazione", _points((0, "Dipendente"), (5, "Necessita di aiuto (es. tagliare il cibo)"),
                                              (10, "Autonomo"))),
        ("bathing", "Fare il bagno o la doccia", _points((0, "Dipendente"), (5, "Autonomo"))),
        ("grooming", "Igiene personale", _points((0, "Necessita di aiuto"),
                                                  (5, "Autonomo (viso, capelli, denti, rasatura)"))),
        ("dressing", "Vestirsi", _points((0, "Dipendente"), (5, "Necessita di aiuto, fa circa metà da solo"),
                                          (10, "Autonomo, compresi bottoni e lacci"))),
        ("bowels", "Controllo intestinale", _points((0, "Incontinente"), (5, "Incidenti occasionali"),
                                                     (10, "Continente"))),
        ("bladder", "Controllo vescicale", _points((0, "Incontinente o catetere non autogestito"),
                                                    (5, "Incidenti occasionali"), (10, "Continente"))),
        ("toilet", "Uso del gabinetto", _points((0, "Dipendente"), (5, "Necessita di qualche aiuto"),
                                                 (10, "Autonomo"))),
        ("transfers", "Trasferimento letto-sedia", _points(
            (0, "Incapace, nessun equilibrio da seduto"), (5, "Grande aiuto (una o due persone), sta seduto"),
            (10, "Piccolo aiuto, verbale o fisico"), (15, "Autonomo"))),
        ("mobility", "Deambulazione", _points(
            (0, "Immobile o meno di 50 metri"), (5, "Autonomo su sedia a rotelle per più di 50 metri"),
            (10, "Cammina con l'aiuto di una persona per più di 50 metri"),
            (15, "Autonomo (anche con ausili) per più di 50 metri"))),
        ("stairs", "Salire e scendere le scale", _points((0, "Incapace"), (5, "Necessita di aiuto o supervisione"),
                                                          (10, "Autonomo"))),
    ])

_LAWTON_ITEMS = {
    "telephone": ("Usare il telefono", _lettered(
        (1, "Usa il telefono di propria iniziativa"), (1, "Compone solo alcuni numeri ben conosciuti"),
        (1, "Risponde ma non è capace di comporre i numeri"), (0, "Non usa il telefono"))),
    "shopping": ("Fare acquisti", _lettered(
        (1, "Fa tutte le proprie spese senza aiuto"), (0, "Fa da solo solo piccoli acquisti"),
        (0, "Deve essere accompagnato per qualsiasi acquisto"), (0, "Completamente incapace di fare acquisti"))),
    "food": ("Preparare i pasti", _lettered(
        (1, "Organizza, prepara e serve pasti adeguati da solo"),
        (0, "Prepara pasti adeguati solo se gli ingredienti sono forniti"),
        (0, "Scalda e serve pasti preparati o li prepara senza una dieta adeguata"),
        (0, "Necessita che i pasti siano preparati e serviti"))),
    "housekeeping": ("Governo della casa", _lettered(
        (1, "Gestisce la casa da solo o con aiuto occasionale per i lavori pesanti"),
        (1, "Esegue compiti quotidiani leggeri (lavare i piatti, rifare il letto)"),
        (1, "Esegue compiti leggeri ma non mantiene un livello di pulizia accettabile"),
        (1, "Ha bisogno di aiuto in ogni operazione di governo della casa"),
        (0, "Non partecipa a nessuna operazione di governo della casa"))),
    "laundry": ("Fare il bucato", _lettered(
        (1, "Fa il bucato personale completamente da solo"), (1, "Lava le piccole cose (calze, fazzoletti)"),
        (0, "Tutto il bucato deve essere fatto da altri"))),
    "transport": ("Spostarsi fuori casa", _lettered(
        (1, "Si sposta da solo con mezzi pubblici o guida l'auto"), (1, "Si sposta in taxi ma non con i mezzi pubblici"),
        (1, "Usa i mezzi pubblici se accompagnato"), (0, "Si sposta solo in taxi o in auto con accompagnatore"),
        (0, "Non si sposta affatto"))),
    "medication": ("Assumere i farmaci", _lettered(
        (1, "Prende le medicine nelle dosi e agli orari giusti"),
        (0, "Le prende se preparate in anticipo in dosi separate"), (0, "Non è in grado di assumerle da solo"))),
    "finances": ("Gestire il denaro", _lettered(
        (1, "Gestisce le finanze in modo autonomo"),
        (1, "Gestisce le spese quotidiane, ha bisogno di aiuto per banca e spese maggiori"),
        (0, "Non è in grado di gestire il denaro"))),
}


def _lawton_items(codes):
    return [(code, _LAWTON_ITEMS[code][0], [*_LAWTON_ITEMS[code][1], NEVER_DONE]) for code in codes]


# Lawton & Brody (1969) Instrumental Activities of Daily Living: 8 items, 0/1 each, 0–8.
LAWTON = _scale(
    "lawton_iadl", "Scala di Lawton (IADL) — 8 item",
    "Attività strumentali della vita quotidiana (Lawton e Brody, 1969): 8 attività, 0–8. Le attività "
    "mai svolte nella vita si segnano come tali: il punteggio corretto riporta il risultato sugli "
    "item applicabili.",
    scores=(0, 8), direction="higher_better", not_applicable=True,
    bands=[(0, 2, "Dipendenza grave"), (3, 5, "Dipendenza moderata"), (6, 7, "Dipendenza lieve"), (8, 8, "Autonomia")],
    items=_lawton_items(["telephone", "shopping", "food", "housekeeping", "laundry", "transport", "medication",
                         "finances"]))

# The historical male version (Lawton & Brody 1969) leaves out food preparation, housekeeping and laundry: 0–5.
LAWTON_MALE = _scale(
    "lawton_iadl_5", "Scala di Lawton (IADL) — versione maschile storica, 5 item",
    "Versione storica per gli uomini: esclude preparazione dei pasti, governo della casa e bucato; "
    "punteggio 0–5.",
    scores=(0, 5), direction="higher_better", not_applicable=True, variant_of="lawton_iadl",
    bands=[(0, 1, "Dipendenza grave"), (2, 3, "Dipendenza moderata"), (4, 4, "Dipendenza lieve"), (5, 5, "Autonomia")],
    items=_lawton_items(["telephone", "shopping", "transport", "medication", "finances"]))

# Social support and household assessment used by the Ambito's social workers: higher score, more need.
SOCIAL = _scale(
    "social_support", "Valutazione sociale e del nucleo familiare",
    "Rete familiare e sociale, carico del caregiver, abitazione e situazione economica: 6 aree, "
    "0–12; punteggio più alto, bisogno maggiore.",
    scores=(0, 12), direction="higher_worse",
    bands=[(0, 3, "Bisogno sociale basso"), (4, 7, "Bisogno sociale moderato"), (8, 12, "Bisogno sociale elevato")],
    items=[
        ("living", "Situazione abitativa e convivenza", _points(
            (0, "Vive con familiari in grado di aiutare"), (1, "Vive con persone che non possono aiutare"),
            (2, "Vive solo"))),
        ("caregiver", "Caregiver", _points((0, "Presente e sufficiente"), (1, "Presente ma insufficiente"),
                                            (2, "Assente"))),
        ("burden", "Carico del caregiver", _points((0, "Nessuno o basso"), (1, "Medio"),
                                                    (2, "Elevato, rischio di esaurimento"))),
        ("housing", "Abitazione", _points((0, "Adeguata"), (1, "Parzialmente adeguata (barriere architettoniche)"),
                                           (2, "Inadeguata o non sicura"))),
        ("economic", "Situazione economica", _points((0, "Sufficiente"), (1, "Limitata"), (2, "Insufficiente"))),
        ("network", "Rete sociale", _points((0, "Attiva"), (1, "Limitata"), (2, "Isolamento"))),
    ])


def _errors(*questions):
    return [(code, label, [{"value": "ok", "label": "Risposta corretta", "points": 0},
                           {"value": "err", "label": "Risposta errata o assente", "points": 1}])
            for code, label in questions]


# SVAMA (Scheda per la Valutazione Multidimensionale dell'Anziano, Regione Veneto, DGR 2961/2012) — section
# "valutazione cognitiva": the Short Portable Mental Status Questionnaire (Pfeiffer, 1975), scored in errors
# 0–10; SVAMA reads 0–3 errors as "lucido", 4–7 as "confuso", 8–10 as "molto confuso".
SVAMA_SPMSQ = _scale(
    "svama-spmsq", "SVAMA — Valutazione cognitiva (SPMSQ di Pfeiffer)",
    "Short Portable Mental Status Questionnaire (Pfeiffer, 1975), sezione cognitiva della SVAMA: "
    "10 domande, punteggio = numero di errori (0–10); punteggio più alto, deficit maggiore.",
    scores=(0, 10), direction="higher_worse",
    bands=[(0, 3, "Lucido"), (4, 7, "Confuso"), (8, 10, "Molto confuso")],
    items=_errors(
        ("date", "Che giorno è oggi (giorno, mese, anno)?"),
        ("weekday", "Che giorno della settimana è?"),
        ("place", "Qual è il nome di questo posto?"),
        ("phone", "Qual è il suo numero di telefono (o il suo indirizzo)?"),
        ("age", "Quanti anni ha?"),
        ("birth", "Quando è nato?"),
        ("president", "Chi è l'attuale Presidente della Repubblica (o il Papa)?"),
        ("previous", "Chi era il Presidente precedente (o il Papa precedente)?"),
        ("mother", "Qual era il cognome da nubile di sua madre?"),
        ("subtract", "Sottragga 3 da 20 e continui a sottrarre 3 fino a 2"),
    ))

# SVAMA — section "rischio di piaghe da decubito" (VPIA): the Exton-Smith scale (Norton, McLaren and
# Exton-Smith, 1962), five areas scored 1–4, total 5–20; lower is riskier. The bands are Norton's published
# cut-offs (14 or less: at risk; 12 or less: high risk); a Region using other cut-offs edits them on the scale's
# page.
SVAMA_EXTON_SMITH = _scale(
    "svama-exton-smith", "SVAMA — Rischio di lesioni da pressione (scala di Exton-Smith)",
    "Scala di Exton-Smith (Norton, McLaren, Exton-Smith, 1962), sezione VPIA della SVAMA: 5 aree da "
    "1 a 4, punteggio 5–20; punteggio più basso, rischio maggiore.",
    scores=(5, 20), direction="higher_better",
    bands=[(5, 12, "Rischio elevato"), (13, 14, "Rischio presente"), (15, 20, "Rischio basso")],
    items=[
        ("general", "Condizioni generali", _points((1, "Pessime"), (2, "Scadenti"), (3, "Discrete"), (4, "Buone"))),
        ("mental", "Stato mentale", _points((1, "Stuporoso"), (2, "Confuso"), (3, "Apatico"), (4, "Lucido"))),
        ("walking", "Deambulazione", _points((1, "Costretto a letto"), (2, "Costretto su sedia"),
                                              (3, "Cammina con aiuto"), (4, "Normale"))),
        ("mobility", "Mobilità", _points((1, "Immobile"), (2, "Molto limitata"), (3, "Moderatamente limitata"),
                                          (4, "Piena"))),
        ("incontinence", "Incontinenza", _points((1, "Doppia"), (2, "Abituale (urinaria)"), (3, "Occasionale"),
                                                  (4, "Assente"))),
    ])

STANDARD_SCALES = [BARTHEL, LAWTON, LAWTON_MALE, SOCIAL, SVAMA_SPMSQ, SVAMA_EXTON_SMITH]


def scales_ensure(scale_model, item_model, definitions=None):
    """Create or update the standard scales (idempotent), or only ``definitions``. Takes the models so a
    migration can pass its historical ones."""
    by_code = {}
    for definition in definitions or STANDARD_SCALES:
        fields = {k: v for k, v in definition.items() if k not in {"code", "items", "variant_of"}}
        if definition.get("variant_of"):
            fields["variant_of"] = by_code[definition["variant_of"]]
        scale, _ = scale_model.objects.update_or_create(code=definition["code"], defaults=fields)
        by_code[scale.code] = scale
        for order, (code, label, options) in enumerate(definition["items"], start=1):
            item_model.objects.update_or_create(scale=scale, code=code,
                                                defaults={"order": order, "label": label, "options": options})
    return by_code
