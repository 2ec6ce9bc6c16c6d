from django.urls import path

from ambito.monitoring.region import views

urlpatterns = [
    path("monitoraggio/regione/", views.region_comparison, name="monitoring-region"),
]
