from django.urls import path

from ambito.territory import views

urlpatterns = [path("territorio/", views.territory_overview, name="territory-overview")]
