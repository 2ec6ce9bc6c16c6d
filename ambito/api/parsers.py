"""The API's JSON parser (``REST_FRAMEWORK["DEFAULT_PARSER_CLASSES"]``): DRF's, plus two refusals before any
serializer runs, each a 400 with a message that says what to change:

- nesting deeper than ``API_JSON_MAX_DEPTH`` (32): measured on the raw text with a regular expression and a
  counter, never by recursion, before ``json`` parses it (Python's parser recurses, and ~1,000 levels were a
  RecursionError, i.e. a 500, even without signing in);
- control characters in any string or key (C0 but tab, line feed and carriage return, and DEL): NUL cannot be
  stored by PostgreSQL and none of them belongs in a request. Text-direction characters and line breaks in
  single-line fields are the serialisers' business (``ambito.core.text``), where the message names the field.
"""

import re

from django.conf import settings
from django.utils.translation import gettext as _
from rest_framework import parsers
from rest_framework.exceptions import ParseError
from rest_framework.utils import json

from ambito.core.text import BODY_CONTROL, unsafe_characters

# A JSON string (with its escapes) or one bracket; strings are skipped so brackets inside them do not count.
_TOKENS = re.compile(r'"(?:[^"\\]|\\.)*"|[\[\]{}]', re.DOTALL)
DEFAULT_MAX_DEPTH = 32


def max_depth() -> int:
    return getattr(settings, "API_JSON_MAX_DEPTH", DEFAULT_MAX_DEPTH)


def too_deep(text: str, limit: int) -> bool:
    """True when arrays and objects in ``text`` nest deeper than ``limit`` (iterative, O(n))."""
    depth = 0
    for match in _TOKENS.finditer(text):
        token = match.group()
        if token in "[{":
            depth += 1
            if depth > limit:
                return True
        elif token in "]}":
            depth -= 1
    return False


def depth_error(limit: int) -> ParseError:
    return ParseError(_("The JSON body is nested too deeply: at most %(limit)d levels of arrays and objects.")
                      % {"limit": limit})


def check_strings(data) -> None:
    """Refuse control characters in any string or key of the parsed body (iteratively)."""
    stack = [(None, data)]
    while stack:
        path, value = stack.pop()
        if isinstance(value, str):
            found = unsafe_characters(value, pattern=BODY_CONTROL)
            if found:
                if path is None:
                    where = _("the body")
                elif path == "":
                    where = _("a field name")
                else:
                    where = _("the value of “%(name)s”") % {"name": BODY_CONTROL.sub("?", path)}
                raise ParseError(_("The request contains control characters (%(characters)s) in %(where)s: "
                                   "remove them.") % {"characters": ", ".join(found), "where": where})
        elif isinstance(value, dict):
            for key, item in value.items():
                stack.append(("", key))
                stack.append((f"{path}.{key}" if path else str(key), item))
        elif isinstance(value, list):
            stack.extend((f"{path or ''}[{index}]", item) for index, item in enumerate(value))


class JSONParser(parsers.JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        parser_context = parser_context or {}
        encoding = parsers.get_encoding(parser_context)
        raw = stream.read() if stream is not None else b""
        try:
            text = raw.decode(encoding)
        except (UnicodeDecodeError, LookupError) as exc:
            raise ParseError(_("The JSON body is not valid text in %(encoding)s.") % {"encoding": encoding}) from exc
        limit = max_depth()
        if too_deep(text, limit):
            raise depth_error(limit)
        try:
            data = json.loads(text, parse_constant=json.strict_constant if self.strict else None)
        except RecursionError as exc:  # not reached after the check above; kept as the last line of defence
            raise depth_error(limit) from exc
        except ValueError as exc:
            raise ParseError(_("JSON parse error - %(error)s") % {"error": exc}) from exc
        check_strings(data)
        return data
