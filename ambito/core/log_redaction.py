"""A logging filter that keeps personal data out of the logs (*dati personali nei log*): codici fiscali, e-mail
addresses and phone numbers in a record's message and traceback are replaced by a placeholder, whatever logger
wrote them (Django's request log puts the path in its messages). Installed on every handler in settings.LOGGING.

It also appends the reference shown on the error page, so a user's report can be matched to the traceback.
"""

import logging
import re

CODICE_FISCALE = re.compile(
    r"(?<![A-Za-z0-9])[A-Za-z]{6}[0-9LMNPQRSTUVlmnpqrstuv]{2}[ABCDEHLMPRSTabcdehlmprst]"
    r"[0-9LMNPQRSTUVlmnpqrstuv]{2}[A-Za-z][0-9LMNPQRSTUVlmnpqrstuv]{3}[A-Za-z](?![A-Za-z0-9])")
EMAIL = re.compile(r"[\w.+-]+(?:@|%40)[\w-]+(?:\.[\w-]+)+")
# Italian mobile (3xx) and landline (0x) numbers, with or without +39 / 0039 and separators.
PHONE = re.compile(r"(?<![\w/.-])(?:(?:\+|00)39[\s.-]?)?(?:3\d{2}|0\d{1,3})(?:[\s.-]?\d){6,8}(?![\w.-]*\d)")

PLACEHOLDERS = ((CODICE_FISCALE, "[cf]"), (EMAIL, "[email]"), (PHONE, "[phone]"))


def redact(text: str) -> str:
    for pattern, placeholder in PLACEHOLDERS:
        text = pattern.sub(placeholder, text)
    return text


class RedactPersonalData(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        message = redact(record.getMessage())
        reference = getattr(getattr(record, "request", None), "error_reference", None)
        if reference:
            message = f"{message} [ref {reference}]"
        record.msg, record.args = message, ()
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact(record.exc_text)
        return True
