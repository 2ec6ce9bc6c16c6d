from django.urls import path

from ambito.portal import views

urlpatterns = [
    path("servizi/", views.directory, name="portal-directory"),
    path("servizi/<int:pk>/", views.service_detail, name="portal-service"),
]
