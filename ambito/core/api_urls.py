from django.urls import path

from ambito.core import api

urlpatterns = [path("jobs/<uuid:pk>/", api.JobDetailApi.as_view(), name="api-job-detail")]
