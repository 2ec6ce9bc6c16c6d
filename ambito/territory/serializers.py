from rest_framework import serializers

from ambito.territory.models import Comune
from ambito.territory.selectors import indicators_of


class IndicatorsSerializer(serializers.Serializer):
    year = serializers.IntegerField()
    residents = serializers.IntegerField()
    aged_0_14 = serializers.IntegerField()
    aged_15_64 = serializers.IntegerField()
    aged_65_plus = serializers.IntegerField()
    aged_75_plus = serializers.IntegerField()
    minors = serializers.IntegerField(help_text="Residents aged 0–17.")
    share_65_plus = serializers.DecimalField(max_digits=5, decimal_places=1, allow_null=True)
    share_75_plus = serializers.DecimalField(max_digits=5, decimal_places=1, allow_null=True)
    old_age_index = serializers.DecimalField(max_digits=7, decimal_places=1, allow_null=True)
    dependency_ratio = serializers.DecimalField(max_digits=7, decimal_places=1, allow_null=True)


class ComuneOutputSerializer(serializers.ModelSerializer):
    ambito = serializers.CharField(source="ambito.name", default=None, allow_null=True)
    population = serializers.SerializerMethodField()

    class Meta:
        model = Comune
        fields = ["istat_code", "name", "province", "province_code", "region", "belfiore_code", "ambito", "population"]

    def get_population(self, comune) -> IndicatorsSerializer:
        year = self.context.get("year")
        if year is None:
            return None
        return IndicatorsSerializer({"year": year, **indicators_of(comune).as_dict()}).data
