from django.urls import path

from ambito.core import views

urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    path("lavori/<uuid:job_id>/", views.job_detail, name="job-detail"),
    path("lavori/<uuid:job_id>/scarica/", views.job_download, name="job-download"),
]
