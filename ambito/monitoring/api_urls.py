from django.urls import path

from ambito.monitoring import api
from ambito.monitoring.plans.api import PlanMeasuresApi
from ambito.monitoring.region.api import RegionComparisonApi

urlpatterns = [
    path("indicators/", api.IndicatorListApi.as_view(), name="api-indicator-list"),
    path("indicators/<slug:code>/values/", api.IndicatorValuesApi.as_view(), name="api-indicator-values"),
    path("monitoring/reports/", api.ReportJobApi.as_view(), name="api-monitoring-report"),
    path("monitoring/indicators/refresh/", api.IndicatorRefreshApi.as_view(), name="api-monitoring-indicators-refresh"),
    path("monitoring/open-data/", api.OpenDataJobApi.as_view(), name="api-monitoring-open-data"),
    path("monitoring/siuss/", api.SiussJobApi.as_view(), name="api-monitoring-siuss"),
    path("plans/<int:pk>/measures/", PlanMeasuresApi.as_view(), name="api-plan-measures"),
    path("monitoring/region/", RegionComparisonApi.as_view(), name="api-monitoring-region"),
]
