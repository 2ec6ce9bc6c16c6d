from django.urls import path

from ambito.monitoring.plans import views

urlpatterns = [
    path("piano/<int:pk>/monitoraggio/", views.plan_monitoring, name="monitoring-plan"),
    path("piano/<int:pk>/monitoraggio/chiudi/", views.plan_year_close, name="monitoring-plan-close"),
    path("piano/collegamenti/<int:pk>/rimuovi/", views.plan_indicator_unlink, name="monitoring-plan-unlink"),
]
