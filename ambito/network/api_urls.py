from django.urls import path

from ambito.network import api

urlpatterns = [
    path("organisations/", api.OrganisationListApi.as_view(), name="api-organisation-list"),
    path("services/", api.ServiceListApi.as_view(), name="api-service-list"),
    path("services/<int:pk>/", api.ServiceDetailApi.as_view(), name="api-service-detail"),
    path("info-points/", api.InfoPointListApi.as_view(), name="api-info-point-list"),
    path("hsds/", api.HsdsServiceListApi.as_view(), name="api-hsds"),
]
