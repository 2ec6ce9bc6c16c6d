"""Chart specifications for Chart.js, rendered by core/js/app.js from a json_script block (CSP-safe).
Every chart is paired in the template with a data table holding the same numbers."""

from decimal import Decimal


def _plain(value):
    if isinstance(value, Decimal):
        return float(value)
    return value


def chart(*, kind: str, labels: list, series: dict, stacked: bool = False, horizontal: bool = False,
          unit: str = "") -> dict:
    return {
        "type": kind,
        "labels": [str(label) for label in labels],
        "datasets": [{"label": str(name), "data": [_plain(v) for v in values]} for name, values in series.items()],
        "stacked": stacked,
        "horizontal": horizontal,
        "unit": unit,
    }
