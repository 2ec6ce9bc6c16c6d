from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.html import format_html, format_html_join
from django.utils.text import Truncator, capfirst
from django.utils.translation import gettext as _

from ambito.core.text import protect_form_fields
from ambito.core.validators import protect_date_fields


class StyledFormMixin:
    """Bootstrap Italia classes on every widget, so templates render fields with ``core/_field.html``; and,
    since every form of the project uses it, the check of every text field for control and text-direction
    characters (``ambito.core.text``), and the sane range of every date field (``ambito.core.validators``), both
    added at validation so fields a form adds later are covered too."""

    def full_clean(self):
        protect_form_fields(self)
        protect_date_fields(self)
        super().full_clean()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.CheckboxInput | forms.CheckboxSelectMultiple | forms.RadioSelect):
                css = "form-check-input"
            elif isinstance(widget, forms.Select):
                css = "form-select"
            else:
                css = "form-control"
            widget.attrs["class"] = (widget.attrs.get("class", "") + " " + css).strip()


class LongSelect(forms.Select):
    """A select of many flat options (the public directory's Comuni: every Comune of the installation, 1,000 at
    region scale), its options written here rather than through Django's option template: that costs about
    50 µs an option, 60 ms a page at region scale (docs/performance.md). Same markup as ``forms.Select``."""

    def render(self, name, value, attrs=None, renderer=None):
        chosen = {str(v) for v in self.format_value(value)}
        options = format_html_join("", "<option value=\"{}\"{}>{}</option>", (
            (key, " selected" if str(key) in chosen else "", label) for key, label in self.choices))
        attributes = format_html_join("", "{}", (
            (format_html(" {}", key) if value is True else format_html(" {}=\"{}\"", key, value),)
            for key, value in self.build_attrs(self.attrs, attrs).items() if value is not False and value is not None))
        return format_html("<select name=\"{}\"{}>{}</select>", name, attributes, options)


def add_service_errors(target, error) -> None:
    """Show a service's refusal, where the user is looking. ``target`` is the form that was submitted — each
    error goes on the field it names, else above the form — or, for a page without one, the request: each
    message becomes an error message. ``error`` is the service's ``ValidationError``, or a ``PermissionDenied``
    the view chose to show rather than answer 403 (its text, or a general one)."""
    if isinstance(error, ValidationError):
        texts = error.messages
    else:
        texts = [str(error) or _("You may not do this.")]
    if not isinstance(target, forms.BaseForm):
        for text in texts:
            messages.error(target, text)
    elif hasattr(error, "error_dict"):
        for field, field_messages in error.message_dict.items():
            target.add_error(field if field in target.fields else None, field_messages)
    else:
        target.add_error(None, texts)


def form_error_texts(form, *, typed_only: bool = False) -> list[str]:
    """The errors of a bound form as sentences, each field's after its label ("Data della UVM: La data deve
    essere tra il 01/01/2016 e il 31/12/2036."), for a page that shows a small form's refusal as messages.
    ``typed_only``: only the errors of fields something was typed in (and those of the whole form), when the
    page says itself what is missing."""
    texts = []
    for name, errors in form.errors.items():
        field = form.fields.get(name)
        if field is not None and typed_only and form.data.get(form.add_prefix(name)) in (None, ""):
            continue
        label = field.label if field is not None else None
        texts.extend(f"{capfirst(label)}: {error}" if label else str(error) for error in errors)
    return texts


def call_service(request, call, *, form=None, success="", show_denied=False):
    """Run ``call`` (a service, in a lambda) and report on it, so that a view says it in one statement. When the
    service refuses (a ``ValidationError``, and a ``PermissionDenied`` too with ``show_denied``) nothing was
    saved: the refusal is shown by ``add_service_errors`` on ``form`` or, without one, as messages, and the
    answer is None. Otherwise ``success`` (if any) is shown and the service's result returned — True when it
    returns nothing, so the answer is None only for a refusal."""
    refusals = (ValidationError, PermissionDenied) if show_denied else ValidationError
    try:
        result = call()
    except refusals as error:
        add_service_errors(form if form is not None else request, error)
        return None
    if success:
        messages.success(request, success)
    return True if result is None else result


def _shown(field, value) -> str:
    if value in (None, "", [], ()):
        return "—"
    if hasattr(value, "all"):
        value = list(value.all())
    if isinstance(value, list | tuple | set):
        return ", ".join(_shown(field, item) for item in value)
    choices = dict((str(k), v) for k, v in getattr(field, "choices", []) or [] if not isinstance(v, list | tuple))
    if str(value) in choices:
        return str(choices[str(value)])
    if isinstance(value, bool):
        return str(_("yes") if value else _("no"))
    if hasattr(value, "strftime"):
        return value.strftime("%d/%m/%Y")
    return Truncator(str(value)).chars(160)


def add_stale_error(form, *, version: int, saved: dict) -> None:
    """A stale save (``StaleEditError``) on a bound form: nothing was written. Say what the other person saved
    (the fields whose saved value differs from the submitted one), keep the user's values in the form, and move
    its hidden ``version`` to the saved one so that saving again knowingly applies them on top."""
    changes = [f"{form.fields[name].label or name}: “{_shown(form.fields[name], value)}”"
               for name, value in saved.items()
               if name in form.fields and form.fields[name].has_changed(value, form[name].data)]
    form.add_error(None, _("Someone else saved this record after you opened it: your changes were not saved."))
    if changes:
        form.add_error(None, _("Saved now, where it differs from your values: %(changes)s.")
                       % {"changes": "; ".join(changes)})
    form.add_error(None, _("Your values are still in the form: compare them with the saved ones and save again "
                           "to apply yours."))
    form.data = form.data.copy()
    form.data[form.add_prefix("version")] = version
