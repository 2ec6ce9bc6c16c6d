from django.urls import path

from ambito.monitoring.siuss import views

urlpatterns = [
    path("monitoraggio/siuss/", views.siuss, name="monitoring-siuss"),
    path("monitoraggio/siuss/persone/<int:pk>/", views.person_data, name="monitoring-siuss-person"),
    path("monitoraggio/siuss/interventi/<int:pk>/", views.intervention_data, name="monitoring-siuss-intervention"),
    path("monitoraggio/siuss/sina/<int:pk>/", views.sina_data, name="monitoring-siuss-sina"),
    path("monitoraggio/siuss/sinba/<int:pk>/", views.sinba_data, name="monitoring-siuss-sinba"),
    path("monitoraggio/siuss/enti/<int:pk>/", views.ente_data, name="monitoring-siuss-ente"),
    path("monitoraggio/siuss/servizi/<int:pk>/", views.service_code, name="monitoring-siuss-service"),
    path("monitoraggio/siuss/mappatura-sina/", views.sina_rules, name="monitoring-siuss-sina-rules"),
]
