from django.urls import path

from ambito.accounts import api

urlpatterns = [
    path("persons/<int:pk>/access-log/", api.PersonAccessLogView.as_view(), name="api-person-access-log"),
    path("access-log/", api.AccessLogView.as_view(), name="api-access-log"),
]
