from django.urls import path

from ambito.planning import api, api_files, api_partner, api_spending

urlpatterns = [
    path("plans/", api.PlanListApi.as_view(), name="api-plan-list"),
    path("plans/<int:pk>/", api.PlanDetailApi.as_view(), name="api-plan-detail"),
    path("plans/<int:pk>/budget/", api.PlanBudgetApi.as_view(), name="api-plan-budget"),
    path("plans/<int:pk>/spending/", api_spending.PlanSpendingApi.as_view(), name="api-plan-spending"),
    path("plans/<int:pk>/fund-reports/", api_spending.PlanFundReportsApi.as_view(), name="api-plan-fund-reports"),
    path("plans/<int:pk>/budget/import/", api.PlanBudgetImportApi.as_view(), name="api-plan-budget-import"),
    path("plans/<int:pk>/transitions/", api.PlanTransitionApi.as_view(), name="api-plan-transition"),
    path("plans/<int:pk>/documents/pdf/", api.PlanDocumentApi.as_view(), {"kind": "pdf"}, name="api-plan-pdf"),
    path("plans/<int:pk>/documents/xlsx/", api.PlanDocumentApi.as_view(), {"kind": "xlsx"}, name="api-plan-xlsx"),
    path("interventions/<int:pk>/", api.InterventionDetailApi.as_view(), name="api-intervention-detail"),
    path("plans/<int:pk>/files/", api_files.PlanFilesApi.as_view(), name="api-plan-files"),
    path("plan-files/<int:pk>/download/", api_files.PlanFileDownloadApi.as_view(), name="api-plan-file-download"),
    path("plans/<int:pk>/alignment/", api_partner.PlanAlignmentApi.as_view(), name="api-plan-alignment"),
    path("partner-plans/", api_partner.PartnerPlanListApi.as_view(), name="api-partner-plan-list"),
    path("partner-plans/<int:pk>/", api_partner.PartnerPlanDetailApi.as_view(), name="api-partner-plan-detail"),
    path("partner-plans/<int:pk>/objectives/", api_partner.PartnerObjectiveCreateApi.as_view(),
         name="api-partner-objective-create"),
    path("partner-links/", api_partner.PartnerLinkCreateApi.as_view(), name="api-partner-link-create"),
    path("partner-links/<int:pk>/", api_partner.PartnerLinkDetailApi.as_view(), name="api-partner-link-detail"),
]
