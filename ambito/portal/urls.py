from django.urls import path

from ambito.portal import online, views

urlpatterns = [
    path("servizi/", views.directory, name="portal-directory"),
    path("servizi/<int:pk>/", views.service_detail, name="portal-service"),
    path("servizi/chiedi-aiuto/", online.request_online, name="portal-request-online"),
    path("servizi/le-mie-domande/", online.my_requests, name="portal-my-requests"),
]
