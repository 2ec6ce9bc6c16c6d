"""Readable values in the privacy documents: ISO dates as Italian dates, booleans as yes/no, JSON compact; and
the link to who accessed a person's record, for the pages of other apps that show a person."""

import datetime
import json

from django import template
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from ambito.privacy.rules import can_view_person_access_log

register = template.Library()


@register.inclusion_tag("privacy/_person_access_log_link.html", takes_context=True)
def person_access_log_link(context, person):
    """A link to who accessed ``person``'s record, shown only to those allowed to read it (DPO, case team)."""
    user = context.get("user")
    return {"person": person, "can_see_access_log": can_view_person_access_log(user, person)}


@register.filter
def readable(value):
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, list | dict):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, str) and len(value) >= 10 and value[4:5] == "-" and value[7:8] == "-":
        try:
            if len(value) == 10:
                return formats.date_format(datetime.date.fromisoformat(value), "SHORT_DATE_FORMAT")
            moment = datetime.datetime.fromisoformat(value)
            if timezone.is_aware(moment):
                moment = timezone.localtime(moment)
            return formats.date_format(moment, "SHORT_DATETIME_FORMAT")
        except ValueError:
            return value
    return value
