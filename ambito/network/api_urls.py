from django.urls import path, re_path

from ambito.network import api, hsds_api

ID = r"(?P<id>[0-9A-Fa-f-]{36})"

urlpatterns = [
    path("organisations/", api.OrganisationListApi.as_view(), name="api-organisation-list"),
    path("services/", api.ServiceListApi.as_view(), name="api-service-list"),
    path("services/<int:pk>/", api.ServiceDetailApi.as_view(), name="api-service-detail"),
    path("info-points/", api.InfoPointListApi.as_view(), name="api-info-point-list"),
    # The HSDS 3.0 API (public): paths as the HSDS OpenAPI names them, with or without a trailing slash.
    path("hsds/", hsds_api.HsdsRootApi.as_view(), name="api-hsds"),
    re_path(r"^hsds/profile/?$", hsds_api.HsdsProfileApi.as_view(), name="api-hsds-profile"),
    re_path(r"^hsds/openapi\.json$", hsds_api.HsdsOpenApi.as_view(), name="api-hsds-openapi"),
    re_path(r"^hsds/services/?$", hsds_api.HsdsServiceListApi.as_view(), name="api-hsds-services"),
    re_path(rf"^hsds/services/{ID}/?$", hsds_api.HsdsServiceDetailApi.as_view(), name="api-hsds-service"),
    re_path(r"^hsds/organizations/?$", hsds_api.HsdsOrganizationListApi.as_view(), name="api-hsds-organizations"),
    re_path(rf"^hsds/organizations/{ID}/?$", hsds_api.HsdsOrganizationDetailApi.as_view(),
            name="api-hsds-organization"),
    re_path(r"^hsds/taxonomies/?$", hsds_api.HsdsTaxonomyListApi.as_view(), name="api-hsds-taxonomies"),
    re_path(rf"^hsds/taxonomies/{ID}/?$", hsds_api.HsdsTaxonomyDetailApi.as_view(), name="api-hsds-taxonomy"),
    re_path(r"^hsds/taxonomy_terms/?$", hsds_api.HsdsTaxonomyTermListApi.as_view(), name="api-hsds-taxonomy-terms"),
    re_path(rf"^hsds/taxonomy_terms/{ID}/?$", hsds_api.HsdsTaxonomyTermDetailApi.as_view(),
            name="api-hsds-taxonomy-term"),
    re_path(r"^hsds/service_at_locations/?$", hsds_api.HsdsServiceAtLocationListApi.as_view(),
            name="api-hsds-service-at-locations"),
    re_path(rf"^hsds/service_at_locations/{ID}/?$", hsds_api.HsdsServiceAtLocationDetailApi.as_view(),
            name="api-hsds-service-at-location"),
]
