from django.urls import path

from ambito.monitoring.opendata import views

urlpatterns = [
    path("dati-aperti/", views.index, name="opendata-index"),
    path("dati-aperti/<slug:code>/", views.catalogue, name="opendata-catalogue"),
    path("dati-aperti/<slug:code>/catalogo.<str:kind>", views.catalogue_rdf, name="opendata-catalogue-rdf"),
    path("dati-aperti/<slug:code>/<slug:key>.csv", views.distribution, name="opendata-distribution"),
]
