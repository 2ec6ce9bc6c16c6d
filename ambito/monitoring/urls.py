from django.urls import include, path

from ambito.monitoring import spending, views

urlpatterns = [
    path("monitoraggio/", views.dashboard, name="monitoring-dashboard"),
    path("monitoraggio/comuni/<str:istat_code>/", views.comune_dashboard, name="monitoring-comune"),
    path("monitoraggio/indicatori/", views.indicator_list, name="monitoring-indicators"),
    path("monitoraggio/indicatori/ricalcola/", views.indicators_refresh, name="monitoring-indicators-refresh"),
    path("monitoraggio/indicatori/<slug:code>.csv", views.indicator_csv, name="monitoring-indicator-csv"),
    path("monitoraggio/questionari/", views.survey_list, name="monitoring-surveys"),
    path("monitoraggio/questionari/nuovo/", views.survey_create, name="monitoring-survey-create"),
    path("monitoraggio/questionari/<int:pk>/", views.survey_detail, name="monitoring-survey-detail"),
    path("monitoraggio/questionari/<int:pk>/conta-trattenute/", views.survey_count_flagged,
         name="monitoring-survey-count-flagged"),
    path("monitoraggio/risposte/<int:pk>/moderazione/", views.answer_moderate, name="monitoring-answer-moderate"),
    path("monitoraggio/relazione/", views.report, name="monitoring-report"),
    path("monitoraggio/riconciliazione/", spending.reconciliation_view, name="monitoring-reconciliation"),
    path("", include("ambito.monitoring.siuss.urls")),
    path("", include("ambito.monitoring.opendata.urls")),
    path("", include("ambito.monitoring.plans.urls")),
    path("", include("ambito.monitoring.region.urls")),
    path("valutazione/", views.public_survey_list, name="survey-public-list"),
    path("valutazione/<uuid:public_id>/", views.public_survey, name="survey-public"),
]
