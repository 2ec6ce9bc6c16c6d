from django.urls import path

from ambito.care import api

urlpatterns = [
    path("care-plans/", api.CarePlanListApi.as_view(), name="api-care-plan-list"),
    path("care-plans/<int:pk>/", api.CarePlanDetailApi.as_view(), name="api-care-plan-detail"),
    path("health-budgets/", api.HealthBudgetListApi.as_view(), name="api-health-budget-list"),
    path("health-budgets/<int:pk>/", api.HealthBudgetDetailApi.as_view(), name="api-health-budget-detail"),
    path("referrals/", api.ReferralListApi.as_view(), name="api-referral-list"),
    path("referrals/<int:pk>/", api.ReferralDetailApi.as_view(), name="api-referral-detail"),
    path("referrals/<int:pk>/accept/", api.ReferralAcceptApi.as_view(), name="api-referral-accept"),
    path("referrals/<int:pk>/decline/", api.ReferralDeclineApi.as_view(), name="api-referral-decline"),
    path("referrals/<int:pk>/complete/", api.ReferralCompleteApi.as_view(), name="api-referral-complete"),
    path("deliveries/", api.DeliveryListApi.as_view(), name="api-delivery-list"),
    path("deliveries/bulk/", api.DeliveryBulkApi.as_view(), name="api-delivery-bulk"),
    path("persons/<int:pk>/fhir/", api.PersonFhirApi.as_view(), name="api-person-fhir"),
]
