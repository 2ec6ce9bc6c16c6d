from django.urls import path
from rest_framework.routers import SimpleRouter

from ambito.privacy import api

router = SimpleRouter()
router.register("privacy-requests", api.PrivacyRequestViewSet, basename="api-privacy-request")

urlpatterns = router.urls + [
    path("privacy/persons/<str:pseudonym>/export/", api.PersonExportApi.as_view(), name="api-privacy-export"),
    path("privacy/persons/<str:pseudonym>/history/", api.PersonHistoryApi.as_view(), name="api-privacy-history"),
    path("privacy/record-of-processing/", api.RecordOfProcessingApi.as_view(), name="api-privacy-ropa"),
]
