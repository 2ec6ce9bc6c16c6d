from django.urls import path

from ambito.privacy import views, views_access_log

urlpatterns = [
    path("privacy/richieste/", views.request_list, name="privacy-requests"),
    path("privacy/richieste/<int:pk>/", views.request_detail, name="privacy-request"),
    path("privacy/persone/<str:pseudonym>/", views.person_page, name="privacy-person"),
    path("privacy/persone/<str:pseudonym>/esporta/", views.person_export, name="privacy-person-export"),
    path("privacy/persone/<str:pseudonym>/revoca-limitazione/", views.person_lift_restriction,
         name="privacy-person-lift"),
    path("privacy/registro-trattamenti/", views.record_of_processing, name="privacy-ropa"),
    path("privacy/registro-trattamenti/registro.json", views.record_of_processing, {"fmt": "json"},
         name="privacy-ropa-json"),
    path("privacy/registro-trattamenti/registro.pdf", views.record_of_processing, {"fmt": "pdf"},
         name="privacy-ropa-pdf"),
    path("registro-accessi/", views_access_log.access_log_list, name="privacy-access-log"),
    path("registro-accessi/persona/<int:pk>/", views_access_log.person_access_log, name="privacy-person-access-log"),
    path("registro-accessi/persona/<int:pk>/csv/", views_access_log.person_access_log_csv,
         name="privacy-person-access-log-csv"),
]
