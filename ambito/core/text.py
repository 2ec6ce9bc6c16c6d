"""Characters refused in what people type, in one place.

- **Control characters** (C0 and C1, DEL): NUL breaks PostgreSQL, the others have no business in a name or a
  note. Tab, line feed and carriage return are allowed only where text has lines (a ``Textarea``, a DRF
  ``CharField`` with the textarea style, a request body).
- **Bidirectional formatting characters** (U+202A–U+202E embeddings and overrides, U+2066–U+2069 isolates,
  U+200E/U+200F marks, U+061C): invisible, they make text display in another order than it was written, so
  a name or a note could read differently to the colleague who sees it ("Trojan Source").

Every text field of every project form refuses them (``StyledFormMixin``, which all forms use, adds
``SafeTextValidator``), every DRF ``CharField`` does (``ambito.api.apps`` appends ``SerializerTextValidator``
as DRF appends its own NUL check), request paths and query strings are checked by
``ambito.core.middleware.RequestHygieneMiddleware`` and JSON bodies by ``ambito.api.parsers.JSONParser``.
"""

import re

from django.core.exceptions import ValidationError
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext_lazy as _

_BIDI = "\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069"
# single-line text: every control character, line breaks and tabs included
UNSAFE_LINE = re.compile(f"[\x00-\x1f\x7f-\x9f{_BIDI}]")
# text with lines: tab, LF and CR are allowed
UNSAFE_MULTILINE = re.compile(f"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f{_BIDI}]")
# a request body as a whole (JSON strings): the C0 controls and DEL but tab, LF, CR
BODY_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
# a request path or query string: any C0 control or DEL
URL_CONTROL = re.compile("[\x00-\x1f\x7f]")

MESSAGE = _("Remove the control or text-direction characters (%(characters)s): they can make the text read "
            "differently from what was written.")


def unsafe_characters(text: str, *, multiline: bool = False, pattern=None) -> list[str]:
    """The refused characters found in ``text``, as code points (``U+202E``), each once, in order."""
    pattern = pattern or (UNSAFE_MULTILINE if multiline else UNSAFE_LINE)
    found = dict.fromkeys(f"U+{ord(char):04X}" for char in pattern.findall(text))
    return list(found)


def error(characters: list[str]) -> ValidationError:
    return ValidationError(MESSAGE, code="unsafe_characters", params={"characters": ", ".join(characters)})


@deconstructible
class SafeTextValidator:
    """For a form field: ``multiline`` allows tab and line breaks."""

    def __init__(self, multiline: bool = False):
        self.multiline = multiline

    def __call__(self, value):
        if isinstance(value, str):
            found = unsafe_characters(value, multiline=self.multiline)
            if found:
                raise error(found)

    def __eq__(self, other):
        return isinstance(other, SafeTextValidator) and other.multiline == self.multiline


SINGLE_LINE_MAX_LENGTH = 255


def serializer_field_multiline(field) -> bool:
    """A DRF ``CharField`` has lines when it says so (``style={"base_template": "textarea.html"}``, as a
    ModelSerializer gives a model ``TextField``) or when it is free text: no ``max_length``, or a long one
    (notes, summaries). Names, codes and short labels (``max_length`` up to 255) are single lines."""
    style = getattr(field, "style", {}) or {}
    if style.get("base_template") == "textarea.html":
        return True
    max_length = getattr(field, "max_length", None)
    return max_length is None or max_length > SINGLE_LINE_MAX_LENGTH


class SerializerTextValidator:
    """For a DRF ``CharField`` (see ``serializer_field_multiline``). Passwords are never shown to anyone: they
    keep DRF's own NUL check only."""

    requires_context = True

    def __call__(self, value, field):
        style = getattr(field, "style", {}) or {}
        if style.get("input_type") == "password" or not isinstance(value, str):
            return
        found = unsafe_characters(value, multiline=serializer_field_multiline(field))
        if found:
            raise error(found)


def protect_form_fields(form) -> None:
    """Give every text field of ``form`` the validator (once): multi-line where the widget is a Textarea;
    password inputs are left alone."""
    from django import forms

    for field in form.fields.values():
        if not isinstance(field, forms.CharField) or isinstance(field.widget, forms.PasswordInput):
            continue
        if not any(isinstance(v, SafeTextValidator) for v in field.validators):
            field.validators.append(SafeTextValidator(multiline=isinstance(field.widget, forms.Textarea)))


_PLAIN_INT = re.compile(r"[0-9]{1,9}")


def plain_int(value) -> int | None:
    """A whole number typed in a query string, a form or a sheet name: ASCII digits only, at most nine, else
    None. ``str.isdigit()`` also accepts "²", which ``int()`` refuses with a 500, and a longer number would
    overflow the database's integer columns."""
    value = (value or "").strip()
    return int(value) if _PLAIN_INT.fullmatch(value) else None
