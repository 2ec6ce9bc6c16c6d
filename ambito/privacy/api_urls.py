from django.urls import path
from rest_framework.routers import SimpleRouter

from ambito.privacy import api, api_access_log

router = SimpleRouter()
router.register("privacy-requests", api.PrivacyRequestViewSet, basename="api-privacy-request")

urlpatterns = router.urls + [
    path("privacy/persons/<str:pseudonym>/export/", api.PersonExportApi.as_view(), name="api-privacy-export"),
    path("privacy/persons/<str:pseudonym>/history/", api.PersonHistoryApi.as_view(), name="api-privacy-history"),
    path("privacy/record-of-processing/", api.RecordOfProcessingApi.as_view(), name="api-privacy-ropa"),
    path("persons/<int:pk>/access-log/", api_access_log.PersonAccessLogView.as_view(), name="api-person-access-log"),
    path("access-log/", api_access_log.AccessLogView.as_view(), name="api-access-log"),
]
