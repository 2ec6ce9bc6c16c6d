"""Background jobs with visible progress on top of the Tasks API (django-tasks, database backend).

An app registers a handler for a job kind in its ``jobs.py``::

    @job_handler("planning.plan_pdf")
    def plan_pdf(job, progress):
        progress(30, _("Rendering tables"))
        return JobOutput(name="piano.pdf", content=pdf_bytes)

and starts it from a view or API view with ``core.services.job_start``. A large result is written to a
temporary file and returned as ``JobOutput(name=..., path=tmp_path)``: it is stored in chunks, then removed.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

_handlers: dict[str, Callable] = {}


@dataclass
class JobOutput:
    name: str = ""
    content: bytes = b""
    path: Path | None = None  # a temporary file holding the result, for results too big for memory
    data: dict = field(default_factory=dict)
    message: str = ""


def job_handler(kind: str):
    def register(function):
        _handlers[kind] = function
        return function

    return register


def handler_for(kind: str) -> Callable:
    try:
        return _handlers[kind]
    except KeyError:
        raise LookupError(f"no job handler registered for {kind!r}") from None
