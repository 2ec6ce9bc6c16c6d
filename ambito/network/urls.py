from django.urls import path

from ambito.network import views

urlpatterns = [
    path("rete/", views.catalogue, name="network-catalogue"),
    path("rete/servizi/<int:pk>/modifica/", views.service_edit, name="network-service-edit"),
    path("rete/enti/<int:pk>/profilo/", views.provider_edit, name="network-provider-edit"),
    path("rete/info-point/<int:pk>/contatti/", views.info_point_contacts, name="network-info-point-contacts"),
]
