from django.urls import path
from rest_framework.routers import SimpleRouter

from ambito.access import api, api_record

router = SimpleRouter()
router.register("persons", api.PersonViewSet, basename="api-person")
router.register("requests", api.RequestViewSet, basename="api-request")
router.register("assessments", api.AssessmentViewSet, basename="api-assessment")
router.register("waiting-lists", api.WaitingListViewSet, basename="api-waiting-list")
router.register("waiting-list-entries", api.WaitingListEntryViewSet, basename="api-waiting-list-entry")
router.register("triage-rules", api.TriageRuleViewSet, basename="api-triage-rule")
router.register("scales", api.ScaleViewSet, basename="api-scale")

urlpatterns = router.urls + [
    path("persons/<int:pk>/contacts/", api_record.PersonContactsApi.as_view(), name="api-person-contacts"),
    path("persons/<int:pk>/contacts/<int:contact_pk>/end/", api_record.PersonContactEndApi.as_view(),
         name="api-person-contact-end"),
    path("persons/<int:pk>/transfer/", api_record.PersonTransferApi.as_view(), name="api-person-transfer"),
]
