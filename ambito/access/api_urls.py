from rest_framework.routers import SimpleRouter

from ambito.access import api

router = SimpleRouter()
router.register("persons", api.PersonViewSet, basename="api-person")
router.register("requests", api.RequestViewSet, basename="api-request")
router.register("assessments", api.AssessmentViewSet, basename="api-assessment")
router.register("waiting-lists", api.WaitingListViewSet, basename="api-waiting-list")
router.register("waiting-list-entries", api.WaitingListEntryViewSet, basename="api-waiting-list-entry")

urlpatterns = router.urls
