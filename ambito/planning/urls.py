from django.urls import path

from ambito.planning import views

urlpatterns = [
    path("piano/", views.plan_list_view, name="planning-plan-list"),
    path("piano/<int:pk>/", views.plan_detail, name="planning-plan-detail"),
    path("piano/<int:pk>/testo/", views.plan_text_update, name="planning-plan-text"),
    path("piano/<int:pk>/stato/", views.plan_transition, name="planning-plan-transition"),
    path("piano/<int:pk>/obiettivi/", views.objective_create, name="planning-objective-create"),
    path("piano/<int:pk>/versioni/", views.plan_versions, name="planning-plan-versions"),
    path("piano/<int:pk>/documenti/pdf/", views.plan_document, {"kind": "pdf"}, name="planning-plan-pdf"),
    path("piano/<int:pk>/documenti/xlsx/", views.plan_document, {"kind": "xlsx"}, name="planning-plan-xlsx"),
    path("piano/<int:pk>/interventi/nuovo/", views.intervention_create, name="planning-intervention-create"),
    path("piano/interventi/<int:pk>/", views.intervention_detail, name="planning-intervention-detail"),
    path("piano/interventi/<int:pk>/modifica/", views.intervention_edit, name="planning-intervention-edit"),
    path("piano/interventi/<int:pk>/indicatori/", views.indicator_create, name="planning-indicator-create"),
    path("piano/interventi/<int:pk>/personale/", views.staff_create, name="planning-staff-create"),
    path("piano/interventi/<int:pk>/avanzamento/", views.intervention_progress, name="planning-intervention-progress"),
    path("piano/interventi/<int:pk>/bilancio/<int:year>/", views.budget_row, name="planning-budget-row"),
    path("piano/<int:pk>/bilancio/", views.budget, name="planning-budget"),
    path("piano/<int:pk>/personale/", views.staffing, name="planning-staffing"),
    path("piano/<int:pk>/coprogrammazione/", views.coprogramming, name="planning-coprogramming"),
    path("piano/<int:pk>/coprogrammazione/tavoli/", views.table_create, name="planning-table-create"),
    path("piano/tavoli/<int:pk>/incontri/", views.meeting_create, name="planning-meeting-create"),
    path("piano/contributi/<int:pk>/decisione/", views.contribution_decide, name="planning-contribution-decide"),
    path("piano/<int:pk>/accordo/", views.agreement, name="planning-agreement"),
    path("piano/<int:pk>/accordo/parti/", views.party_create, name="planning-party-create"),
    path("piano/accordo/parti/<int:pk>/firma/", views.party_sign, name="planning-party-sign"),
    path("piano/<int:pk>/consultazione/moderazione/", views.moderation, name="planning-moderation"),
    path("piano/commenti/<int:pk>/moderazione/", views.comment_moderate, name="planning-comment-moderate"),
    path("piano/consultazione/", views.consultation_index, name="planning-consultation-list"),
    path("piano/consultazione/<int:pk>/", views.consultation_detail, name="planning-consultation-detail"),
]
