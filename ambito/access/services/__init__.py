"""Writes of the PUA (*Punto Unico di Accesso*, LEPS of L. 234/2021 c. 163), one module per concern: persons and
consent, requests and their lifecycle, triage, UVM assessments, waiting lists; ``fiscal_code`` decodes the
codice fiscale. Each function checks the actor's permission, runs in one transaction and records the touch in
the access log (GDPR art. 5(2))."""

from ambito.access.services.assessments import (  # noqa: F401
    DECISION_STATUS,
    assessment_complete,
    assessment_schedule,
    assessment_score,
)
from ambito.access.services.assignments import (  # noqa: F401
    assignable_workers,
    request_assign,
)
from ambito.access.services.doors import (  # noqa: F401
    desk_gps,
    desks_staffed,
    doors_for,
    request_bring,
)
from ambito.access.services.fiscal_code import (  # noqa: F401
    FiscalCodeCheck,
    fiscal_code_check,
)
from ambito.access.services.persons import (  # noqa: F401
    BIRTHPLACE_INVALID,
    BIRTHPLACE_PATTERN,
    CITIZENSHIP_INVALID,
    CITIZENSHIP_PATTERN,
    HELD_ELSEWHERE,
    PERSON_FIELDS,
    REGISTRATION_RECEIVED,
    PersonHeldElsewhere,
    consent_record,
    consents_record,
    person_create,
    person_duplicates,
    person_share,
    person_share_request_decide,
    person_update,
    registrant_sees,
)
from ambito.access.services.record import (  # noqa: F401
    CONTACT_FIELDS,
    person_contact_add,
    person_contact_end,
    person_transfer,
)
from ambito.access.services.requests import (  # noqa: F401
    TIMESTAMP_FIELD,
    request_create,
    request_record,
    request_transition,
)
from ambito.access.services.scales import (  # noqa: F401
    bands_parse,
    bands_text,
    json_number,
    options_parse,
    options_text,
    scale_update,
)
from ambito.access.services.triage import (  # noqa: F401
    RULE_FIELDS,
    TriageProposal,
    apply_rules,
    request_triage,
    triage_evaluate,
    triage_rule_build,
    triage_rule_preview,
    triage_rule_save,
)
from ambito.access.services.waiting_lists import (  # noqa: F401
    DEFAULT_POINTS,
    priority_compute,
    priority_criteria,
    priority_criteria_ensure_defaults,
    waiting_list_admit,
    waiting_list_ensure,
    waiting_list_entry_add,
    waiting_list_entry_remove,
    waiting_list_set_slots,
    waiting_list_top,
)
