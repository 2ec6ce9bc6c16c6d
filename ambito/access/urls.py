from django.urls import path

from ambito.access import views, views_doors, views_record

urlpatterns = [
    path("pua/", views.work_queue, name="access-work-queue"),
    path("pua/liste-attesa/", views.waiting_lists, name="access-waiting-lists"),
    path("pua/liste-attesa/<int:pk>/", views.waiting_list_detail, name="access-waiting-list"),
    path("pua/liste-attesa/<int:pk>/ammetti/", views.waiting_list_admit, name="access-waiting-list-admit"),
    path("pua/liste-attesa/<int:pk>/posti/", views.waiting_list_slots, name="access-waiting-list-slots"),
    path("pua/iscrizioni/<int:pk>/rimuovi/", views.waiting_list_entry_remove, name="access-entry-remove"),
    path("pua/persone/cerca/", views.person_search, name="access-person-search"),
    path("pua/persone/nuova/", views.person_create, name="access-person-create"),
    path("pua/condivisioni/<int:pk>/", views.share_request_answer, name="access-share-request-answer"),
    path("pua/persone/<str:pseudonym>/", views.person_detail, name="access-person"),
    path("pua/persone/<str:pseudonym>/consensi/", views.person_consent, name="access-person-consent"),
    path("pua/persone/<str:pseudonym>/modifica/", views_record.person_edit, name="access-person-edit"),
    path("pua/persone/<str:pseudonym>/contatti/", views_record.person_contact_add, name="access-person-contact-add"),
    path("pua/persone/<str:pseudonym>/contatti/<int:contact_pk>/fine/", views_record.person_contact_end,
         name="access-person-contact-end"),
    path("pua/persone/<str:pseudonym>/trasferimento/", views_record.person_transfer, name="access-person-transfer"),
    path("pua/persone/<str:pseudonym>/domanda/", views.request_create, name="access-request-create"),
    path("pua/domande/<int:pk>/", views.request_detail, name="access-request"),
    path("pua/domande/<int:pk>/anteprima-decodifica/", views.request_triage_preview, name="access-triage-preview"),
    path("pua/domande/<int:pk>/decodifica/", views.request_triage, name="access-request-triage"),
    path("pua/domande/<int:pk>/assegna/", views.request_assign, name="access-request-assign"),
    path("pua/coda/<slug:key>/", views.work_queue_section, name="access-work-queue-section"),
    path("pua/domande/<int:pk>/stato/", views.request_transition, name="access-request-transition"),
    path("pua/domande/<int:pk>/uvm/", views.assessment_schedule, name="access-assessment-schedule"),
    path("pua/uvm/<int:pk>/", views.assessment_detail, name="access-assessment"),
    path("pua/uvm/<int:pk>/scale/<slug:scale_code>/", views.assessment_score, name="access-assessment-score"),
    path("pua/uvm/<int:pk>/esito/", views.assessment_complete, name="access-assessment-complete"),
    path("pua/uvm/<int:pk>/lista-attesa/", views.assessment_enlist, name="access-assessment-enlist"),
    # The doors (GP, hospital, ETS, info-point, community desk) and what their bringers follow.
    path("pua/invia-domanda/", views_doors.bring, name="access-bring"),
    path("pua/mie-domande/", views_doors.my_requests, name="access-my-requests"),
    path("pua/sportelli/", views_doors.desks, name="access-desks"),
    path("pua/domande/<int:pk>/lettera-esito.pdf", views_doors.outcome_letter, name="access-outcome-letter"),
]
