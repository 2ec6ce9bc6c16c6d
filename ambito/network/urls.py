from django.urls import path

from ambito.network import views

urlpatterns = [
    path("rete/", views.catalogue, name="network-catalogue"),
    path("rete/servizi/<int:pk>/modifica/", views.service_edit, name="network-service-edit"),
    path("rete/enti/<int:pk>/profilo/", views.provider_edit, name="network-provider-edit"),
    path("rete/sinonimi/", views.synonyms_edit, name="network-synonyms"),
    path("rete/importazioni/", views.hsds_imports, name="network-hsds-imports"),
    path("rete/importazioni/<int:pk>/", views.hsds_import_detail, name="network-hsds-import"),
    path("rete/info-point/<int:pk>/contatti/", views.info_point_contacts, name="network-info-point-contacts"),
]
