import django_filters
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics

from ambito.accounts.selectors import scope_for
from ambito.core.text import plain_int
from ambito.territory.models import Comune
from ambito.territory.selectors import comune_list_with_indicators, latest_population_year
from ambito.territory.serializers import ComuneOutputSerializer


class ComuneFilter(django_filters.FilterSet):
    name = django_filters.CharFilter(lookup_expr="icontains")
    province = django_filters.CharFilter(field_name="province_code", lookup_expr="iexact")

    class Meta:
        model = Comune
        fields = ["istat_code", "name", "province"]


@extend_schema(
    parameters=[OpenApiParameter("year", int, description="Population year (default: the latest loaded).")],
)
class ComuneListApi(generics.ListAPIView):
    """Comuni the caller works in, with population and needs indicators for a year."""

    serializer_class = ComuneOutputSerializer
    filterset_class = ComuneFilter

    def _year(self):
        if not hasattr(self, "_resolved_year"):
            raw = self.request.query_params.get("year")
            self._resolved_year = plain_int(raw) or latest_population_year(
                comune_ids=scope_for(self.request.user).comune_ids()
            )
        return self._resolved_year

    def get_queryset(self):
        return comune_list_with_indicators(comune_ids=scope_for(self.request.user).comune_ids(),
                                           year=self._year() or 0)

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "year": self._year()}
