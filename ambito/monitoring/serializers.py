from rest_framework import serializers


class IndicatorDefinitionSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    unit = serializers.CharField()
    formula = serializers.CharField()
    source = serializers.CharField()
    breakdowns = serializers.ListField(child=serializers.CharField())
    direction = serializers.CharField()
    target = serializers.CharField(source="target_description")


class IndicatorValueSerializer(serializers.Serializer):
    key = serializers.CharField()
    # Decimals as strings with the indicator's own precision; null is "no data" (or a suppressed small cell).
    value = serializers.CharField(allow_null=True)
    target = serializers.CharField(allow_null=True)


class IndicatorValuesSerializer(serializers.Serializer):
    code = serializers.CharField()
    unit = serializers.CharField()
    # when the stored values were computed (the standard periods); null: computed for this request
    computed_at = serializers.DateTimeField(allow_null=True)
    values = IndicatorValueSerializer(many=True)


class JobRequestSerializer(serializers.Serializer):
    year = serializers.IntegerField(min_value=2000, max_value=2100)
    format = serializers.CharField(required=False)
